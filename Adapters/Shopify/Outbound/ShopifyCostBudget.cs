namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Our picture of the shop's GraphQL cost bucket, which is separate from the REST call bucket (1000 points restoring
/// 50 per second on standard plans): the last <c>extensions.cost.throttleStatus</c> Shopify sent, restored by the time
/// since. A query waits until its cost (the last requested cost) is available, so we pace ourselves instead of
/// collecting <c>THROTTLED</c> answers; a THROTTLED answer carries the state that makes the next wait right.
/// </summary>
public sealed class ShopifyCostBudget(TimeProvider clock)
{
    /// <summary>Marks a request as limited by this budget, so the REST call pacing leaves it alone.</summary>
    public static readonly HttpRequestOptionsKey<bool> CostLimited = new("shopify.cost_limited");

    private readonly Lock _gate = new();
    private double _maximum = 1000;
    private double _available = 1000;
    private double _restoreRate = 50;
    private double _cost = 10;
    private DateTimeOffset _observedAt = DateTimeOffset.MinValue;

    /// <summary>Takes the query's cost; the answer is how long to wait before sending.</summary>
    public TimeSpan Reserve()
    {
        lock (_gate)
        {
            Restore();
            var wait = _available >= _cost ? TimeSpan.Zero : TimeSpan.FromSeconds((_cost - _available) / _restoreRate);
            _available -= _cost;
            return wait;
        }
    }

    public void Observe(QueryCost? cost)
    {
        if (cost?.ThrottleStatus is not { } status || status.MaximumAvailable <= 0 || status.RestoreRate <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _maximum = status.MaximumAvailable;
            _available = status.CurrentlyAvailable;
            _restoreRate = status.RestoreRate;
            _cost = Math.Max(1, cost.RequestedQueryCost);
            _observedAt = clock.GetUtcNow();
        }
    }

    private void Restore()
    {
        var now = clock.GetUtcNow();
        if (_observedAt != DateTimeOffset.MinValue)
        {
            _available = Math.Min(_maximum, _available + (now - _observedAt).TotalSeconds * _restoreRate);
        }

        _observedAt = now;
    }
}
