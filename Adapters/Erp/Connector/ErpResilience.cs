using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>
/// The ERP client's pipeline (Microsoft.Extensions.Http.Resilience): total timeout, retries with jitter honoring
/// Retry-After, a circuit breaker for outages, a per-attempt timeout. A post is retried in place only when the ERP
/// certainly did nothing (429, connection refused); a 5xx or a timeout on a post goes back to the durable queue,
/// which looks the document up before posting it again. Reads are retried on any outage.
/// </summary>
public static class ErpResilience
{
    /// <summary>The longest one call may take, retries included.</summary>
    public static TimeSpan TotalTimeout(ErpHttpOptions settings) =>
        TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds) * (settings.MaxRetryAttempts + 1) + TimeSpan.FromSeconds(settings.MaxRetryAfterSeconds) + TimeSpan.FromSeconds(5);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ErpHttpOptions settings, Action<HttpCircuitBreakerStrategyOptions>? observe = null)
    {
        var attempt = TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds);
        var maxRetryAfter = TimeSpan.FromSeconds(settings.MaxRetryAfterSeconds);
        pipeline.AddTimeout(TotalTimeout(settings));
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = settings.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(settings.RetryBaseDelayMilliseconds),
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage(), maxRetryAfter)),
        });
        var breaker = new HttpCircuitBreakerStrategyOptions
        {
            SamplingDuration = TimeSpan.FromSeconds(30),
            MinimumThroughput = 10,
            FailureRatio = 0.5,
            BreakDuration = TimeSpan.FromSeconds(settings.CircuitBreakSeconds),
            // Throttling and refusals are answers, not an outage.
            ShouldHandle = args => ValueTask.FromResult(IsOutage(args.Outcome)),
        };
        observe?.Invoke(breaker);
        pipeline.AddCircuitBreaker(breaker);
        pipeline.AddTimeout(attempt);
    }

    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request, TimeSpan maxRetryAfter)
    {
        if (outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return outcome.Result.Headers.RetryAfter?.Delta is not { } wait || wait <= maxRetryAfter;
        }

        if (outcome.Exception is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } })
        {
            return true;
        }

        return request?.Method == HttpMethod.Get && IsOutage(outcome);
    }

    private static bool IsOutage(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
        || (outcome.Result is { } response && ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout));
}
