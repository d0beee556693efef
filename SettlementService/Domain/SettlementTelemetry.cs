using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.SettlementService.Domain;

/// <summary>
/// Spans and counters of the settlement steps (ingest, parse, reconcile, post), on the service's own ActivitySource
/// and Meter. Metric tags stay low-cardinality (channel, outcome, result, status); settlement and order ids go on
/// spans only.
/// </summary>
public sealed class SettlementTelemetry
{
    public SettlementTelemetry(ServiceTelemetry telemetry)
    {
        ActivitySource = telemetry.ActivitySource;
        var meter = telemetry.Meter;
        Ingested = meter.CreateCounter<long>("settlements.ingested", description: "Settlements received, by channel and outcome (created, duplicate, rejected, conflict)");
        Lines = meter.CreateCounter<long>("settlements.lines", description: "Settlement lines stored, by channel");
        Results = meter.CreateCounter<long>("settlements.reconciliation.results", description: "Per-order reconciliation results, by channel and result");
        Reconciled = meter.CreateCounter<long>("settlements.reconciled", description: "Settlements reconciled, by channel and status (reconciled, mismatch)");
        Journals = meter.CreateCounter<long>("settlements.journals", description: "Journal entries by channel and what happened (built, posted, rejected)");
        IgnoredEvents = meter.CreateCounter<long>("settlements.events.ignored", description: "Events that changed nothing, by event and reason");
        OpenMismatches = new(meter, "settlements.mismatches.open", "{result}", "Reconciliation results other than matched in settlements still in mismatch, by channel and result (sampled)");
        OldestMismatchAge = new(meter, "settlements.mismatches.oldest_age", "s", "Age of the oldest settlement still in mismatch, by channel (sampled)");
    }

    public ActivitySource ActivitySource { get; }

    public Counter<long> Ingested { get; }

    public Counter<long> Lines { get; }

    public Counter<long> Results { get; }

    public Counter<long> Reconciled { get; }

    public Counter<long> Journals { get; }

    public Counter<long> IgnoredEvents { get; }

    public SampledGauge<long> OpenMismatches { get; }

    public SampledGauge<double> OldestMismatchAge { get; }

    public Activity? Start(string step, string? channel = null)
    {
        var activity = ActivitySource.StartActivity($"settlements.{step}");
        if (activity is not null && channel is not null)
        {
            activity.SetTag("settlement.channel", channel);
        }

        return activity;
    }

    public static void Count(Counter<long> counter, string channel, string name, string value, long delta = 1) =>
        counter.Add(delta, new KeyValuePair<string, object?>("channel", channel), new(name, value));

    public void CountIgnored(string eventName, string reason) =>
        IgnoredEvents.Add(1, new KeyValuePair<string, object?>("event", eventName), new("reason", reason));
}
