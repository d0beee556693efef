using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.Adapters.Erp;

/// <summary>
/// Spans and metrics of the adapter's steps, tagged by document kind (journal, sales_shipment, return_receipt) and
/// outcome: low cardinality, never a document number, amount, token or secret.
/// </summary>
public sealed class ErpTelemetry
{
    public const string Partner = "erp";

    private readonly ActivitySource _source;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _postings;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _items;
    private readonly Counter<long> _syncRuns;
    private readonly Histogram<double> _postingDelay;
    private volatile IReadOnlyList<QueueGauge> _queue = [];

    public ErpTelemetry(ServiceTelemetry telemetry)
    {
        _source = telemetry.ActivitySource;
        var meter = telemetry.Meter;
        _enqueued = meter.CreateCounter<long>("erp.postings.enqueued", description: "Documents queued for the ERP, by kind (duplicates of queued ones are not counted)");
        _postings = meter.CreateCounter<long>("erp.postings", description: "Documents the ERP took or refused, by kind and outcome (posted, already_posted, rejected)");
        _retries = meter.CreateCounter<long>("erp.postings.retries", description: "Attempts left to the durable queue's back-off, by kind and reason");
        _calls = meter.CreateCounter<long>("erp.calls", description: "Calls to the ERP API, by operation and status class");
        _items = meter.CreateCounter<long>("erp.items.synced", description: "Item-master entries handed to inventory, by outcome (created, updated, unchanged, rejected)");
        _syncRuns = meter.CreateCounter<long>("erp.items.sync_runs", description: "Item-master sync runs, by outcome");
        _postingDelay = meter.CreateHistogram<double>("erp.postings.delay", "s", "From queued to taken (or refused) by the ERP, by kind");
        meter.CreateObservableGauge("erp.queue.depth", () => _queue.Select(q => new Measurement<long>(q.Depth, Tag("kind", q.Kind))),
            description: "Documents waiting for the ERP, by kind");
        meter.CreateObservableGauge("erp.queue.oldest_age", () => _queue.Select(q => new Measurement<double>(q.OldestAgeSeconds, Tag("kind", q.Kind))),
            unit: "s", description: "Age of the oldest document waiting for the ERP, by kind");
    }

    public Activity? Start(string step, string? kind = null, ActivityKind activityKind = ActivityKind.Internal)
    {
        var activity = _source.StartActivity("erp." + step, activityKind);
        activity?.SetTag("partner", Partner);
        if (kind is not null)
        {
            activity?.SetTag("erp.document.kind", kind);
        }

        return activity;
    }

    public void Enqueued(string kind) => _enqueued.Add(1, Tag("kind", kind));

    public void Posting(string kind, string outcome) => _postings.Add(1, Tag("kind", kind), Tag("outcome", outcome));

    public void Retry(string kind, string reason) => _retries.Add(1, Tag("kind", kind), Tag("reason", reason));

    public void Call(string operation, int status) =>
        _calls.Add(1, Tag("operation", operation), Tag("status", status == 0 ? "error" : $"{status / 100}xx"));

    public void ItemsSynced(string outcome, int count)
    {
        if (count > 0)
        {
            _items.Add(count, Tag("outcome", outcome));
        }
    }

    public void SyncRun(string outcome) => _syncRuns.Add(1, Tag("outcome", outcome));

    public void PostingDelay(string kind, TimeSpan delay) => _postingDelay.Record(delay.TotalSeconds, Tag("kind", kind));

    /// <summary>The queue's shape as last read by the sender (gauges must not query the database themselves).</summary>
    public void Queue(IReadOnlyList<QueueGauge> queue) => _queue = queue;

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}

public sealed record QueueGauge(string Kind, long Depth, double OldestAgeSeconds);
