using System.Collections.Concurrent;
using System.Globalization;

namespace Distribution.Aspire.Adapters.Amazon.SpApi;

/// <summary>One token bucket per SP-API operation (Amazon limits each operation separately), shared by all callers.</summary>
/// <param name="throttled">Told of every 429 (the adapter counts them as <c>adapter.throttled.received</c>).</param>
public sealed class SpApiRateLimits(TimeProvider time, Action<SpApiOperation>? throttled = null)
{
    public const string RateLimitHeader = "x-amzn-RateLimit-Limit";

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public TokenBucket For(SpApiOperation operation) =>
        _buckets.GetOrAdd(operation.Name, _ => new TokenBucket(operation.Rate, operation.Burst, time));

    /// <summary>Applies what a response says about the limit: its rate header, and a 429 empties the bucket.</summary>
    public void Observe(SpApiOperation operation, HttpResponseMessage response)
    {
        var bucket = For(operation);
        if (response.Headers.TryGetValues(RateLimitHeader, out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
        {
            bucket.SetRate(rate);
        }

        if ((int)response.StatusCode == 429)
        {
            bucket.Drain();
            throttled?.Invoke(operation);
        }
    }
}
