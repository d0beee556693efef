using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Amazon.SpApi;

/// <summary>
/// HTTP access to SP-API: each request names its operation (for the throttling handler), carries the access
/// token when one is configured, and turns error answers into <see cref="SpApiException"/>.
/// </summary>
public sealed class SpApiClient(HttpClient http, IOptions<AmazonOptions> options, AmazonTelemetry telemetry)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<T> GetAsync<T>(SpApiOperation operation, string path, CancellationToken cancellationToken) =>
        SendAsync<T>(operation, HttpMethod.Get, path, null, cancellationToken);

    public async Task<T> SendAsync<T>(SpApiOperation operation, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(operation, method, path, body, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    /// <summary>For answers without a body (204); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(SpApiOperation operation, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Options.Set(SpApiThrottlingHandler.OperationKey, operation);
        if (options.Value.AccessToken is { Length: > 0 } token)
        {
            request.Headers.Add("x-amz-access-token", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch
        {
            telemetry.SpApiCall(operation.Name, 0);
            throw;
        }

        telemetry.SpApiCall(operation.Name, (int)response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new SpApiException(operation, response.StatusCode, text);
        }

        return response;
    }
}
