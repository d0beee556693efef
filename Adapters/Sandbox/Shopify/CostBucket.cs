using System.Text.Json.Nodes;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// Shopify's GraphQL Admin limit, separate from the REST bucket: points up to <c>maximumAvailable</c>, restored at
/// <c>restoreRate</c> per second. A query that costs more than is available is not run and answers <c>THROTTLED</c>;
/// every answer reports the state in <c>extensions.cost.throttleStatus</c>.
/// </summary>
public sealed class CostBucket(double maximumAvailable, double restoreRate, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly double _maximum = maximumAvailable;
    private double _available = maximumAvailable;
    private DateTimeOffset _last = clock.GetUtcNow();

    /// <summary>Spends <paramref name="cost"/> points if they are there; the throttle status either way.</summary>
    public bool TrySpend(int cost, out JsonObject throttleStatus)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            _available = Math.Min(_maximum, _available + (now - _last).TotalSeconds * restoreRate);
            _last = now;
            var spent = _available >= cost;
            if (spent)
            {
                _available -= cost;
            }

            throttleStatus = new JsonObject
            {
                ["maximumAvailable"] = _maximum,
                ["currentlyAvailable"] = Math.Floor(_available),
                ["restoreRate"] = restoreRate,
            };
            return spent;
        }
    }
}
