using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>
/// Spans and counters of the adapter's steps, on the service's own ActivitySource and Meter. Every
/// measurement carries <c>channel=shopify</c>; other tags stay low-cardinality (topic, outcome, code,
/// operation). Order ids go on spans only; addresses go nowhere.
/// </summary>
public sealed class ShopifyTelemetry
{
    private static readonly KeyValuePair<string, object?> ChannelTag = new("channel", ShopifyOptions.Channel);

    public ShopifyTelemetry(ServiceTelemetry telemetry)
    {
        ActivitySource = telemetry.ActivitySource;
        var meter = telemetry.Meter;
        Received = meter.CreateCounter<long>("shopify.webhooks.received", description: "Webhook deliveries answered, by topic and outcome (stored, duplicate, rejected)");
        Processed = meter.CreateCounter<long>("shopify.webhooks.processed", description: "Stored deliveries processed, by topic and outcome");
        ProcessingRetries = meter.CreateCounter<long>("shopify.webhooks.retries", description: "Deliveries whose processing failed transiently and was rescheduled");
        Exceptions = meter.CreateCounter<long>("shopify.exceptions", description: "Items put on the exceptions list, by stage and code");
        Lag = meter.CreateHistogram<double>("shopify.webhooks.lag", unit: "s", description: "From a delivery's arrival to the end of its processing");
        OutboundCalls = meter.CreateCounter<long>("shopify.outbound.calls", description: "Admin API calls, by operation and HTTP status");
        Throttled = meter.CreateCounter<long>("shopify.outbound.throttled", description: "Admin API calls answered 429, by operation");
        Coalesced = meter.CreateCounter<long>("shopify.outbound.coalesced", description: "Quantity updates folded into a pending one for the same SKU");
        Sent = meter.CreateCounter<long>("shopify.outbound.sent", description: "Outbound commands completed, by kind");
        InventoryEchoes = meter.CreateCounter<long>("shopify.inventory.levels", description: "inventory_levels/update webhooks, by outcome (echo, drift, unmapped)");
    }

    public ActivitySource ActivitySource { get; }

    public Counter<long> Received { get; }

    public Counter<long> Processed { get; }

    public Counter<long> ProcessingRetries { get; }

    public Counter<long> Exceptions { get; }

    public Histogram<double> Lag { get; }

    public Counter<long> OutboundCalls { get; }

    public Counter<long> Throttled { get; }

    public Counter<long> Coalesced { get; }

    public Counter<long> Sent { get; }

    public Counter<long> InventoryEchoes { get; }

    public Activity? Start(string step, string? topic = null)
    {
        var activity = ActivitySource.StartActivity($"shopify.{step}");
        activity?.SetTag("channel", ShopifyOptions.Channel);
        if (topic is not null)
        {
            activity?.SetTag("shopify.topic", topic);
        }

        return activity;
    }

    public static void Count(Counter<long> counter, string name, string value) =>
        counter.Add(1, ChannelTag, new(name, value));

    public static void Count(Counter<long> counter, string name1, string value1, string name2, string value2) =>
        counter.Add(1, ChannelTag, new(name1, value1), new(name2, value2));

    public void RecordLag(string topic, TimeSpan lag) =>
        Lag.Record(lag.TotalSeconds, ChannelTag, new("topic", topic));
}
