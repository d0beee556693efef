using System.Globalization;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// Shopify's REST call limit: a bucket of <c>size</c> calls that leaks at a fixed rate. A call that finds it full is
/// answered 429 with Retry-After; every answer reports the fill as <c>X-Shopify-Shop-Api-Call-Limit: used/size</c>.
/// </summary>
public sealed class LeakyBucket(int size, double leakPerSecond, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private double _level;
    private DateTimeOffset _last = clock.GetUtcNow();

    public int Size { get; } = size;

    /// <summary>Takes one call; null when allowed, else the seconds until one would fit.</summary>
    public double? TryTake(out string callLimit)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            _level = Math.Max(0, _level - (now - _last).TotalSeconds * leakPerSecond);
            _last = now;
            if (_level + 1 > Size)
            {
                callLimit = Format();
                return (_level + 1 - Size) / leakPerSecond;
            }

            _level += 1;
            callLimit = Format();
            return null;
        }
    }

    private string Format() => string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Ceiling(_level)}/{Size}");
}
