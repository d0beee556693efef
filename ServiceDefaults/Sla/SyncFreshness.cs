using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.ServiceDefaults.Sla;

/// <summary>
/// What an adapter does when the channel acknowledged a quantity: record how long after the availability change it
/// happened (<c>channel.sync.freshness</c>) and, past the partner's <c>SyncFreshnessSeconds</c>, count a breach and put
/// one on the list per partner and hour.
/// </summary>
public sealed class SyncFreshness(AdapterMetrics metrics, SlaPolicy sla, SlaBreachStore breaches, TimeProvider time)
{
    public async Task AcknowledgedAsync(string partnerId, string channel, IEnumerable<DateTimeOffset> changedAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var worst = TimeSpan.Zero;
        foreach (var changed in changedAt)
        {
            var freshness = now - changed;
            metrics.RecordFreshness(partnerId, channel, freshness);
            worst = freshness > worst ? freshness : worst;
        }

        if (sla.IsBreached(partnerId, SlaKind.SyncFreshness, worst)
            && await breaches.RaiseAsync(sla.Breach(SlaKind.SyncFreshness, SlaPolicy.Window(partnerId, now), partnerId, channel, worst, now), cancellationToken))
        {
            sla.Count(partnerId, channel, SlaKind.SyncFreshness);
        }
    }
}
