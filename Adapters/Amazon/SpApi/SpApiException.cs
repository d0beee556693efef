using System.Net;

namespace Distribution.Aspire.Adapters.Amazon.SpApi;

/// <summary>An SP-API call answered with an error after the client's retries.</summary>
public sealed class SpApiException(SpApiOperation operation, HttpStatusCode status, string body)
    : Exception($"{operation.Name} answered {(int)status}: {Truncate(body)}")
{
    public HttpStatusCode Status { get; } = status;

    public string Body { get; } = body;

    /// <summary>Throttling, server errors and timeouts pass; anything else will fail again the same way.</summary>
    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;

    private static string Truncate(string body) => body.Length <= 500 ? body : body[..500];
}
