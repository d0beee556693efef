using System.Diagnostics;
using Distribution.Aspire.TestInfrastructure;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>Each business step has a span and a counter, tagged by channel and node; metrics never carry ids.</summary>
public sealed class ObservabilityTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "telemetry";

    [Fact]
    public async Task Every_step_has_a_span_and_a_counter_tagged_by_channel_and_node()
    {
        using var spans = new RecordedSpans("fulfillment.");
        using var measurements = RecordedMeasurements.Named("fulfillment.");

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
        Assert.Contains(spans.All, span => Tagged(span, "request"));
        Assert.Contains(spans.All, span => Tagged(span, "dispatch", FulfillmentHost.ThreePlLocation));
        Assert.Contains(spans.All, span => Tagged(span, "milestone", FulfillmentHost.ThreePlLocation) && (string?)span.GetTagItem("fulfillment.milestone") == "delivered");

        var ours = measurements.All.Where(m => (string?)m.Tags.GetValueOrDefault("channel") == Channel).ToList();
        Assert.Equal(
            [FulfillmentHost.ThreePlLocation, "WH-WEST"],
            ours.Where(m => m.Instrument == "fulfillment.shipments.requested").Select(m => (string)m.Tags["node"]!).Order(StringComparer.Ordinal));
        Assert.Contains(ours, m => m.Instrument == "fulfillment.dispatches" && (string?)m.Tags["node"] == FulfillmentHost.ThreePlLocation);
        Assert.Contains(ours, m => m.Instrument == "fulfillment.units_shipped" && m.Value == 1);
        Assert.Contains(ours, m => m.Instrument == "fulfillment.milestones" && (string?)m.Tags["milestone"] == "delivered" && m.Tags["applied"] is true);
        Assert.All(measurements.All, m => Assert.DoesNotContain(m.Tags.Keys, key => key.Contains("id", StringComparison.Ordinal)));
    }
}
