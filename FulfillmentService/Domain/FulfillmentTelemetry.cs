using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>
/// Spans and counters of the fulfillment steps, on the service's own ActivitySource and Meter. Metric tags
/// stay low-cardinality (channel, node, milestone, kind, code); shipment and order ids go on spans only.
/// </summary>
public sealed class FulfillmentTelemetry
{
    public FulfillmentTelemetry(ServiceTelemetry telemetry)
    {
        ActivitySource = telemetry.ActivitySource;
        var meter = telemetry.Meter;
        Requested = meter.CreateCounter<long>("fulfillment.shipments.requested", description: "Shipment requests sent to a node");
        Cancelled = meter.CreateCounter<long>("fulfillment.shipments.cancelled", description: "Shipment requests withdrawn or cancelled by the node");
        Milestones = meter.CreateCounter<long>("fulfillment.milestones", description: "Milestones recorded, by whether they moved the shipment");
        Dispatches = meter.CreateCounter<long>("fulfillment.dispatches", description: "Dispatches (goods leaving a node)");
        UnitsShipped = meter.CreateCounter<long>("fulfillment.units_shipped", description: "Units that left a node");
        ExceptionsRaised = meter.CreateCounter<long>("fulfillment.exceptions.raised", description: "Exceptions put on the exception list");
        ExceptionsResolved = meter.CreateCounter<long>("fulfillment.exceptions.resolved", description: "Exceptions resolved, by whether they were overdue");
        ReturnsAuthorized = meter.CreateCounter<long>("fulfillment.returns.authorized", description: "Returns authorized");
        ReturnedUnits = meter.CreateCounter<long>("fulfillment.returns.units", description: "Returned units received, by disposition");
        Rejected = meter.CreateCounter<long>("fulfillment.rejected", description: "Requests refused, by stable error code");
        IgnoredEvents = meter.CreateCounter<long>("fulfillment.order_events.ignored", description: "Order events that needed no shipment change");
        Shipped = meter.CreateCounter<long>(
            "fulfillment.shipments.shipped", description: "Shipments that reached shipped, by ordering partner, channel, node and whether within the partner's ship SLA");
        OpenShipments = new(meter, "fulfillment.shipments.open", "{shipment}", "Requested shipments without a shipped milestone, by partner, channel and node (sampled)");
        Overdue = new(meter, "fulfillment.shipments.overdue", "{shipment}", "Open shipments past their partner's ship SLA, by partner, channel and node (sampled)");
    }

    public ActivitySource ActivitySource { get; }

    public Counter<long> Requested { get; }

    public Counter<long> Cancelled { get; }

    public Counter<long> Milestones { get; }

    public Counter<long> Dispatches { get; }

    public Counter<long> UnitsShipped { get; }

    public Counter<long> ExceptionsRaised { get; }

    public Counter<long> ExceptionsResolved { get; }

    public Counter<long> ReturnsAuthorized { get; }

    public Counter<long> ReturnedUnits { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> IgnoredEvents { get; }

    public Counter<long> Shipped { get; }

    public SampledGauge<long> OpenShipments { get; }

    public SampledGauge<long> Overdue { get; }

    public Activity? Start(string step, string? channel = null, string? node = null)
    {
        var activity = ActivitySource.StartActivity($"fulfillment.{step}");
        if (activity is not null)
        {
            if (channel is not null)
            {
                activity.SetTag("fulfillment.channel", channel);
            }

            if (node is not null)
            {
                activity.SetTag("fulfillment.node", node);
            }
        }

        return activity;
    }

    public void CountRejected(string code) => Rejected.Add(1, new KeyValuePair<string, object?>("code", code));

    public void CountIgnored(string eventName, string reason) =>
        IgnoredEvents.Add(1, new("event", eventName), new("reason", reason));
}
