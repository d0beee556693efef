using System.Globalization;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Our picture of the shop's REST leaky bucket (40 calls, leaking 2 per second on standard plans): the last
/// <c>X-Shopify-Shop-Api-Call-Limit</c> ("32/40") Shopify sent, drained by the time since. A call waits until the
/// bucket has room below a small headroom, so we pace ourselves instead of collecting 429s. One instance per
/// process; replicas share a shop's bucket, which the 429 handling covers.
/// </summary>
public sealed class ShopifyCallBudget(TimeProvider clock, IOptions<ShopifyOptions> options)
{
    public const string CallLimitHeader = "X-Shopify-Shop-Api-Call-Limit";

    private readonly Lock _gate = new();
    private double _used;
    private int _capacity = 40;
    private DateTimeOffset _observedAt = DateTimeOffset.MinValue;

    /// <summary>Takes a place in the bucket; the answer is how long to wait before sending.</summary>
    public TimeSpan Reserve()
    {
        var settings = options.Value.Http;
        lock (_gate)
        {
            Drain();
            var limit = Math.Max(1, _capacity - settings.BucketHeadroom);
            var wait = _used + 1 <= limit ? TimeSpan.Zero : TimeSpan.FromSeconds((_used + 1 - limit) / settings.LeakPerSecond);
            _used += 1;
            return wait;
        }
    }

    public void Observe(string? header)
    {
        var parts = header?.Split('/');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var used)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var capacity)
            || capacity <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _used = used;
            _capacity = capacity;
            _observedAt = clock.GetUtcNow();
        }
    }

    /// <summary>A 429 means the bucket is full, whatever we thought.</summary>
    public void Throttled()
    {
        lock (_gate)
        {
            _used = _capacity;
            _observedAt = clock.GetUtcNow();
        }
    }

    private void Drain()
    {
        var now = clock.GetUtcNow();
        if (_observedAt != DateTimeOffset.MinValue)
        {
            _used = Math.Max(0, _used - (now - _observedAt).TotalSeconds * options.Value.Http.LeakPerSecond);
        }

        _observedAt = now;
    }
}
