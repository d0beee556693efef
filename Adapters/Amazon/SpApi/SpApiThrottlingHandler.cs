using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Amazon.SpApi;

/// <summary>
/// Innermost handler of the SP-API client, so every attempt (retries included) first takes a token of its
/// operation's bucket, and the attempt's timeout starts only once it may go.
/// </summary>
public sealed class SpApiThrottlingHandler(SpApiRateLimits limits, TimeSpan attemptTimeout) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<SpApiOperation> OperationKey = new("sp-api-operation");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(OperationKey, out var operation))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        await limits.For(operation).AcquireAsync(cancellationToken);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(attemptTimeout);
        try
        {
            var response = await base.SendAsync(request, attempt.Token);
            limits.Observe(operation, response);
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutRejectedException($"{operation.Name} did not answer within {attemptTimeout.TotalSeconds:0.#} s.", attemptTimeout);
        }
    }
}
