using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.Adapters.ThreePL;

/// <summary>
/// Spans and metrics of every step (receive, acknowledge, apply, send), tagged by partner and document type:
/// low cardinality, never a reference, address or body.
/// </summary>
public sealed class ThreePLTelemetry(ServiceTelemetry telemetry)
{
    private readonly Counter<long> _received = telemetry.Meter.CreateCounter<long>("threepl.documents.received", description: "Documents and events received from 3PLs, by outcome");
    private readonly Counter<long> _applied = telemetry.Meter.CreateCounter<long>("threepl.work.applied", description: "Accepted transaction sets and events applied to Fulfillment/Inventory, by outcome");
    private readonly Counter<long> _sent = telemetry.Meter.CreateCounter<long>("threepl.outbound.sent", description: "Outbound orders and cancels delivered to 3PLs, by outcome");
    private readonly Counter<long> _quarantined = telemetry.Meter.CreateCounter<long>("threepl.quarantined", description: "Documents, sets and events put in quarantine, by reason");
    private readonly Histogram<double> _outboundDelay = telemetry.Meter.CreateHistogram<double>("threepl.outbound.delay", "s", "From enqueue to the 3PL taking the message");

    public ActivitySource Source => telemetry.ActivitySource;

    public Activity? Start(string name, string partnerId, string? type = null)
    {
        var activity = telemetry.ActivitySource.StartActivity(name);
        activity?.SetTag("partner", partnerId);
        if (type is not null)
        {
            activity?.SetTag("document.type", type);
        }

        return activity;
    }

    public void Received(string partnerId, string format, string type, string outcome) =>
        _received.Add(1, new("partner", partnerId), new("format", format), new("document.type", type), new("outcome", outcome));

    public void Applied(string partnerId, string kind, string outcome) =>
        _applied.Add(1, new("partner", partnerId), new("document.type", kind), new("outcome", outcome));

    public void Sent(string partnerId, string kind, string outcome) =>
        _sent.Add(1, new("partner", partnerId), new("kind", kind), new("outcome", outcome));

    public void Quarantined(string partnerId, string source, string reasonCode) =>
        _quarantined.Add(1, new("partner", partnerId), new("source", source), new("reason", reasonCode));

    public void OutboundDelay(string partnerId, TimeSpan delay) =>
        _outboundDelay.Record(delay.TotalSeconds, new KeyValuePair<string, object?>("partner", partnerId));
}
