using System.Collections.Concurrent;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>
/// Amazon's side of the usage plans: one token bucket per operation with the published rate and burst. A
/// request finding the bucket empty is refused with 429, as SP-API does.
/// </summary>
public sealed class SandboxRateLimits(TimeProvider time)
{
    public static readonly IReadOnlyDictionary<string, (double Rate, int Burst)> Plans = new Dictionary<string, (double, int)>
    {
        ["getOrders"] = (0.0167, 20),
        ["getOrder"] = (0.5, 30),
        ["getOrderItems"] = (0.5, 30),
        ["confirmShipment"] = (2, 10),
        ["searchOrders"] = (0.0056, 20),
        ["getOrder.2026"] = (0.5, 30),
        ["patchListingsItem"] = (5, 5),
        ["createFeedDocument"] = (0.5, 15),
        ["createFeed"] = (0.0083, 15),
        ["getFeed"] = (2, 15),
    };

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public bool TryTake(string operation)
    {
        var (rate, burst) = Plans[operation];
        return _buckets.GetOrAdd(operation, _ => new Bucket(rate, burst, time)).TryTake();
    }

    private sealed class Bucket(double rate, int burst, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private double _tokens = burst;
        private long _stamp = time.GetTimestamp();

        public bool TryTake()
        {
            lock (_gate)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_stamp, now).TotalSeconds * rate));
                _stamp = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }
    }
}
