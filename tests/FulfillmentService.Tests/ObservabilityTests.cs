using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>Each business step has a span and a counter, tagged by channel and node; metrics never carry ids.</summary>
public sealed class ObservabilityTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "telemetry";

    [Fact]
    public async Task Every_step_has_a_span_and_a_counter_tagged_by_channel_and_node()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName.StartsWith("fulfillment.", StringComparison.Ordinal))
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Name.StartsWith("fulfillment.", StringComparison.Ordinal))
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();

        var orderId = await host.AcceptedOrderAsync(Channel, [("1", 1, "10.00"), ("2", 1, "10.00")], [("1", "WH-WEST", 1), ("2", FulfillmentHost.ThreePlLocation, 1)]);
        var shipment = (await host.ShipmentsAsync(orderId)).Single(s => s.LocationId == FulfillmentHost.ThreePlLocation);
        await host.Fulfillment.RecordDispatchAsync(new FulfillmentProto.RecordDispatchRequest
        {
            ShipmentId = shipment.ShipmentId,
            DispatchId = "945-1",
            Lines = { new FulfillmentProto.DispatchedLine { LineId = "2", Quantity = 1 } },
            Packages = { new FulfillmentProto.Package { Carrier = "UPS", TrackingNumber = "1Z1" } },
        });
        await host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = shipment.ShipmentId, Milestone = FulfillmentProto.Milestone.Delivered, Source = "carrier:ups",
        });

        bool Tagged(Activity span, string step, string? node = null) =>
            span.OperationName == $"fulfillment.{step}"
            && (string?)span.GetTagItem("fulfillment.channel") == Channel
            && (node is null || (string?)span.GetTagItem("fulfillment.node") == node);
        Assert.Contains(spans, span => Tagged(span, "request"));
        Assert.Contains(spans, span => Tagged(span, "dispatch", FulfillmentHost.ThreePlLocation));
        Assert.Contains(spans, span => Tagged(span, "milestone", FulfillmentHost.ThreePlLocation) && (string?)span.GetTagItem("fulfillment.milestone") == "delivered");

        var ours = measurements.Where(m => (string?)m.Tags.GetValueOrDefault("channel") == Channel).ToList();
        Assert.Equal(
            [FulfillmentHost.ThreePlLocation, "WH-WEST"],
            ours.Where(m => m.Name == "fulfillment.shipments.requested").Select(m => (string)m.Tags["node"]!).Order(StringComparer.Ordinal));
        Assert.Contains(ours, m => m.Name == "fulfillment.dispatches" && (string?)m.Tags["node"] == FulfillmentHost.ThreePlLocation);
        Assert.Contains(ours, m => m.Name == "fulfillment.units_shipped" && m.Value == 1);
        Assert.Contains(ours, m => m.Name == "fulfillment.milestones" && (string?)m.Tags["milestone"] == "delivered" && m.Tags["applied"] is true);
        Assert.All(measurements, m => Assert.DoesNotContain(m.Tags.Keys, key => key.Contains("id", StringComparison.Ordinal)));
    }
}
