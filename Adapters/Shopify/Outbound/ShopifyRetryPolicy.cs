using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// The Admin API resilience rules. A 429 is retried for every call (Shopify did nothing with the request) after
/// its Retry-After; 5xx, 408, timeouts and lost connections only for calls that are safe to repeat (GETs and the
/// absolute inventory set), since a repeated fulfillment POST could ship twice. What the retries cannot fix is
/// left to the durable queue.
/// </summary>
public static class ShopifyRetryPolicy
{
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("shopify.idempotent");

    /// <summary>The Admin API operation a request performs, for metrics of every attempt.</summary>
    public static readonly HttpRequestOptionsKey<string> Operation = new("shopify.operation");

    /// <summary>The longest Retry-After honoured in place; a longer one is left to the queue's back-off.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ShopifyOptions.HttpOptions settings, Action<HttpCircuitBreakerStrategyOptions>? observe = null)
    {
        pipeline.AddTimeout(settings.TotalTimeout);
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = settings.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage())),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
        });
        var breaker = new HttpCircuitBreakerStrategyOptions
        {
            SamplingDuration = TimeSpan.FromSeconds(30),
            MinimumThroughput = 10,
            FailureRatio = 0.5,
            BreakDuration = TimeSpan.FromSeconds(15),
            ShouldHandle = args => ValueTask.FromResult(IsOutage(args.Outcome)),
        };
        observe?.Invoke(breaker);
        pipeline.AddCircuitBreaker(breaker);
        pipeline.AddTimeout(settings.AttemptTimeout);
    }

    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        if (outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return RetryAfter(outcome.Result) is not { } wait || wait <= MaxRetryAfter;
        }

        var idempotent = request is not null && (request.Method == HttpMethod.Get || (request.Options.TryGetValue(Idempotent, out var flag) && flag));
        return idempotent && IsOutage(outcome);
    }

    /// <summary>
    /// Shopify sends Retry-After as seconds with a fraction ("2.0"), which .NET's typed header refuses, so the raw
    /// value is read; an HTTP date works too. Null leaves the delay to the exponential back-off.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response is null || !response.Headers.NonValidated.TryGetValues("Retry-After", out var values))
        {
            return null;
        }

        var raw = values.FirstOrDefault()?.Trim();
        if (double.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeSpan.FromTicks(Math.Max(0, (at - DateTimeOffset.UtcNow).Ticks))
            : null;
    }

    private static bool IsOutage(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
        || (outcome.Result is { } response && ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout));
}
