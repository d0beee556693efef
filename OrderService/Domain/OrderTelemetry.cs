using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.OrderService.Domain;

/// <summary>
/// Spans and counters of the order business steps, on the service's own ActivitySource and Meter.
/// Tags stay low-cardinality (channel, status, code); order ids go on spans only, never on metrics.
/// </summary>
public sealed class OrderTelemetry
{
    public OrderTelemetry(ServiceTelemetry telemetry, SlaPolicy sla)
    {
        Sla = sla;
        ActivitySource = telemetry.ActivitySource;
        var meter = telemetry.Meter;
        Submitted = meter.CreateCounter<long>("orders.submitted", description: "SubmitOrder calls, whatever the outcome");
        Created = meter.CreateCounter<long>("orders.created", description: "New orders");
        Duplicates = meter.CreateCounter<long>("orders.duplicate", description: "Resubmissions that changed nothing");
        Updated = meter.CreateCounter<long>("orders.updated", description: "Resubmissions the channel changed and the state allowed");
        Rejected = meter.CreateCounter<long>("orders.rejected", description: "Requests refused, by stable error code");
        Transitions = meter.CreateCounter<long>("orders.transitions", description: "Status changes, by the status reached");
        IgnoredEvents = meter.CreateCounter<long>("orders.inventory_events.ignored", description: "Inventory events that came too late to change anything");
        IgnoredFulfillmentEvents = meter.CreateCounter<long>(
            "orders.fulfillment_events.ignored", description: "Fulfillment events the order's status did not allow (late, repeated, or after a cancellation)");
        ReleaseLatency = meter.CreateHistogram<double>("orders.release.latency", "s", "From the order's arrival to its acceptance, by partner and channel");
        OpenOrders = new(meter, "orders.open", "{order}", "Open orders by status and channel (sampled)");
        OldestOpenAge = new(meter, "orders.oldest_age", "s", "Age of the oldest open order by status and channel, since it was received (sampled)");
    }

    public ActivitySource ActivitySource { get; }

    public SlaPolicy Sla { get; }

    public Histogram<double> ReleaseLatency { get; }

    public SampledGauge<long> OpenOrders { get; }

    public SampledGauge<double> OldestOpenAge { get; }

    public Counter<long> Submitted { get; }

    public Counter<long> Created { get; }

    public Counter<long> Duplicates { get; }

    public Counter<long> Updated { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> Transitions { get; }

    public Counter<long> IgnoredEvents { get; }

    public Counter<long> IgnoredFulfillmentEvents { get; }

    public Activity? Start(string step, string? channel = null, Guid? orderId = null)
    {
        var activity = ActivitySource.StartActivity($"orders.{step}");
        if (activity is not null)
        {
            if (channel is not null)
            {
                activity.SetTag("order.channel", channel);
            }

            if (orderId is not null)
            {
                activity.SetTag("order.id", orderId.Value.ToString());
            }
        }

        return activity;
    }

    public void CountRejected(string? channel, string code) =>
        Rejected.Add(1, new("channel", channel ?? "unknown"), new("code", code));

    public void CountTransition(string channel, OrderStatus status) =>
        Transitions.Add(1, new("channel", channel), new("status", status.ToWire()));

    public void RecordRelease(string partnerId, string channel, TimeSpan latency) =>
        ReleaseLatency.Record(Math.Max(0, latency.TotalSeconds), new("partner", partnerId), new("channel", channel));
}
