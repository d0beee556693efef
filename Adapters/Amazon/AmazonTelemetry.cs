using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.Adapters.Amazon;

/// <summary>Spans and metrics of the adapter's business steps, all tagged with the channel.</summary>
public sealed class AmazonTelemetry
{
    public const string Channel = "amazon";

    private readonly ActivitySource _source;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _orders;
    private readonly Counter<long> _spApiCalls;
    private readonly Counter<long> _quantityUpdates;
    private readonly Counter<long> _shipments;
    private readonly Counter<long> _exceptions;
    private readonly Histogram<double> _processingSeconds;

    public AmazonTelemetry(ServiceTelemetry telemetry)
    {
        _source = telemetry.ActivitySource;
        var meter = telemetry.Meter;
        _notifications = meter.CreateCounter<long>("amazon.notifications", description: "Notifications received, by outcome.");
        _orders = meter.CreateCounter<long>("amazon.orders", description: "Amazon orders handed to OrderService, by action and fulfillment.");
        _spApiCalls = meter.CreateCounter<long>("amazon.spapi.calls", description: "SP-API calls, by operation and status class.");
        _quantityUpdates = meter.CreateCounter<long>("amazon.quantity_updates", description: "Channel quantities sent (or not sent, being unchanged), by mode and outcome.");
        _shipments = meter.CreateCounter<long>("amazon.shipment_confirmations", description: "Shipment confirmations, by outcome.");
        _exceptions = meter.CreateCounter<long>("amazon.exceptions", description: "Operator exceptions recorded, by code.");
        _processingSeconds = meter.CreateHistogram<double>("amazon.notification.processing", unit: "s", description: "Receipt to processed.");
    }

    public Activity? Start(string step, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = _source.StartActivity("amazon." + step, kind);
        activity?.SetTag("channel", Channel);
        return activity;
    }

    public void Notification(string outcome) => _notifications.Add(1, Tags(("outcome", outcome)));

    public void Order(string action, string fulfillment) => _orders.Add(1, Tags(("action", action), ("fulfillment", fulfillment)));

    public void SpApiCall(string operation, int status) =>
        _spApiCalls.Add(1, Tags(("operation", operation), ("status", status == 0 ? "error" : $"{status / 100}xx")));

    public void QuantityUpdate(string mode, string outcome, int count = 1) => _quantityUpdates.Add(count, Tags(("mode", mode), ("outcome", outcome)));

    public void Shipment(string outcome) => _shipments.Add(1, Tags(("outcome", outcome)));

    public void Exception(string code) => _exceptions.Add(1, Tags(("code", code)));

    public void Processed(TimeSpan sinceReceipt) => _processingSeconds.Record(sinceReceipt.TotalSeconds, Tags());

    private static TagList Tags(params (string Key, string Value)[] tags)
    {
        var list = new TagList { { "channel", Channel } };
        foreach (var (key, value) in tags)
        {
            list.Add(key, value);
        }

        return list;
    }
}
