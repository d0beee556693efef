using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.ServiceDefaults.Sla;

/// <summary>One partner's outbound queue as an adapter's sampler read it.</summary>
public sealed record OutboundBacklog(string PartnerId, string Channel, string Kind, long Depth, DateTimeOffset? OldestSince);

/// <summary>
/// What every adapter's outbound sampler does with its queue: the depth and age gauges, and an SLA breach (one per
/// partner and hour) when a partner's oldest waiting message is older than its <c>OutboundAgeMinutes</c>.
/// </summary>
public sealed class OutboundAge(AdapterMetrics metrics, SlaPolicy sla, SlaBreachStore breaches, TimeProvider time)
{
    public async Task ReportAsync(IReadOnlyList<OutboundBacklog> backlog, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        metrics.OutboundDepth.Set(backlog.Select(b => new System.Diagnostics.Metrics.Measurement<long>(b.Depth, Tags(b))));
        metrics.OutboundOldestAge.Set(backlog.Select(b => new System.Diagnostics.Metrics.Measurement<double>(Age(b, now).TotalSeconds, Tags(b))));
        foreach (var partner in backlog.Where(b => b.OldestSince is not null).GroupBy(b => (b.PartnerId, b.Channel)))
        {
            var oldest = partner.Max(b => Age(b, now));
            if (sla.IsBreached(partner.Key.PartnerId, SlaKind.OutboundAge, oldest)
                && await breaches.RaiseAsync(
                    sla.Breach(SlaKind.OutboundAge, SlaPolicy.Window(partner.Key.PartnerId, now), partner.Key.PartnerId, partner.Key.Channel, oldest, now), cancellationToken))
            {
                sla.Count(partner.Key.PartnerId, partner.Key.Channel, SlaKind.OutboundAge);
            }
        }
    }

    private static TimeSpan Age(OutboundBacklog backlog, DateTimeOffset now) =>
        backlog.OldestSince is { } since && since < now ? now - since : TimeSpan.Zero;

    private static KeyValuePair<string, object?>[] Tags(OutboundBacklog backlog) =>
        [new("partner", backlog.PartnerId), new("channel", backlog.Channel), new("kind", backlog.Kind)];
}
