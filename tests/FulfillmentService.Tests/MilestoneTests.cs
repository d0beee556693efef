using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>Canonical milestones: monotonic progress, history of everything, exceptions as a side state.</summary>
public sealed class MilestoneTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "b2b";

    [Fact]
    public async Task Milestones_that_arrive_twice_or_out_of_order_are_kept_in_history_and_never_move_the_shipment_backwards()
    {
        var shipment = await host.OneShipmentAsync(Channel, ("1", 1, "10.00"));
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);

        await host.Fulfillment.AcknowledgeShipmentAsync(new FulfillmentProto.AcknowledgeShipmentRequest { ShipmentId = shipment.ShipmentId, Source = "edi:997", OccurredAt = Time(at) });
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Packed, at.AddMinutes(10), "pk-1");
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Picked, at.AddMinutes(5), "pi-1");
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Packed, at.AddMinutes(10), "pk-2");
        await host.Fulfillment.AcknowledgeShipmentAsync(new FulfillmentProto.AcknowledgeShipmentRequest { ShipmentId = shipment.ShipmentId, Source = "edi:997" });
        var after = await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Packed, at.AddMinutes(10), "pk-1");

        Assert.Equal(FulfillmentProto.Milestone.Packed, after.Milestone);
        Assert.Equal(
            [
                (FulfillmentProto.Milestone.Requested, true),
                (FulfillmentProto.Milestone.Acknowledged, true),
                (FulfillmentProto.Milestone.Packed, true),
                (FulfillmentProto.Milestone.Picked, false),
                (FulfillmentProto.Milestone.Packed, false),
                (FulfillmentProto.Milestone.Acknowledged, false),
            ],
            after.History.Select(h => (h.Milestone, h.Applied)));
        Assert.Equal(at.AddMinutes(5).ToUnixTimeMilliseconds(), after.History[3].OccurredAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.All(after.History, h => Assert.True(h.RecordedAt.ToDateTimeOffset() >= h.OccurredAt.ToDateTimeOffset()));
    }

    [Fact]
    public async Task An_exception_is_a_side_state_progress_goes_on_underneath_and_resolving_it_shows_the_progress()
    {
        var shipment = await host.OneShipmentAsync(Channel, ("1", 1, "10.00"));
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Packed);

        var held = await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Exception, kind: FulfillmentProto.ExceptionKind.OnHold, detail: "credit hold");
        var heldAgain = await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Exception, kind: FulfillmentProto.ExceptionKind.OnHold);
        var picked = await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Picked);
        var listed = await host.Fulfillment.ListShipmentsAsync(new FulfillmentProto.ListShipmentsRequest { Milestones = { FulfillmentProto.Milestone.Exception } });
        var exception = Assert.Single((await host.Fulfillment.ListExceptionsAsync(new FulfillmentProto.ListExceptionsRequest { PageSize = 200 })).Exceptions, e => e.ShipmentId == shipment.ShipmentId);
        await host.Fulfillment.ResolveExceptionAsync(new FulfillmentProto.ResolveExceptionRequest { ExceptionId = exception.ExceptionId, Resolution = "hold released" });
        var resolved = await host.Fulfillment.GetShipmentAsync(new FulfillmentProto.GetShipmentRequest { ShipmentId = shipment.ShipmentId });

        Assert.Equal(FulfillmentProto.Milestone.Exception, held.Milestone);
        Assert.False(heldAgain.History[^1].Applied);
        Assert.Equal(FulfillmentProto.Milestone.Exception, picked.Milestone);
        Assert.False(picked.History[^1].Applied);
        Assert.Contains(listed.Shipments, s => s.ShipmentId == shipment.ShipmentId);
        Assert.Equal(FulfillmentProto.ExceptionKind.OnHold, exception.Kind);
        Assert.Equal("credit hold", exception.Detail);
        Assert.Equal(FulfillmentProto.Milestone.Packed, resolved.Milestone);
        var raised = Assert.Single(await host.PublishedAsync("fulfillment", "distribution.fulfillment.exception_raised.v1", Guid.Parse(shipment.OrderId)));
        Assert.Equal("on_hold", raised.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Delivery_is_published_once_marks_the_order_delivered_and_a_late_cancel_or_transit_scan_changes_nothing()
    {
        var shipment = await host.OneShipmentAsync(Channel, ("1", 1, "10.00"));
        var orderId = Guid.Parse(shipment.OrderId);
        await host.Fulfillment.RecordDispatchAsync(new FulfillmentProto.RecordDispatchRequest
        {
            ShipmentId = shipment.ShipmentId,
            DispatchId = "BSN-1",
            Lines = { new FulfillmentProto.DispatchedLine { LineId = "1", Quantity = 1 } },
            Packages = { new FulfillmentProto.Package { Carrier = "UPS", TrackingNumber = "1Z1" } },
        });
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.InTransit);
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Delivered, partnerEventId: "trk-9");
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Delivered, partnerEventId: "trk-9");
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Delivered);
        await Record(shipment.ShipmentId, FulfillmentProto.Milestone.OutForDelivery);
        var after = await Record(shipment.ShipmentId, FulfillmentProto.Milestone.Cancelled);

        Assert.Equal(FulfillmentProto.Milestone.Delivered, after.Milestone);
        Assert.Equal(
            [("requested", true), ("shipped", true), ("in_transit", true), ("delivered", true), ("delivered", false), ("out_for_delivery", false), ("cancelled", false)],
            after.History.Select(h => (Wire(h.Milestone), h.Applied)));
        Assert.Single(await host.PublishedAsync("fulfillment", "distribution.fulfillment.shipment_delivered.v1", orderId));
        await host.WaitOrderStatusAsync(orderId, OrdersProto.OrderStatus.Delivered);
    }

    [Fact]
    public async Task Bad_milestones_and_unknown_shipments_are_refused_with_stable_codes_and_change_nothing()
    {
        var shipment = await host.OneShipmentAsync(Channel, ("1", 1, "10.00"));

        await AssertRefusedAsync(shipment.ShipmentId, FulfillmentProto.Milestone.Unspecified, StatusCode.InvalidArgument, "invalid_milestone");
        await AssertRefusedAsync(shipment.ShipmentId, FulfillmentProto.Milestone.Shipped, StatusCode.InvalidArgument, "invalid_milestone");
        await AssertRefusedAsync(shipment.ShipmentId, FulfillmentProto.Milestone.Exception, StatusCode.InvalidArgument, "exception_kind_required");
        await AssertRefusedAsync(shipment.ShipmentId, FulfillmentProto.Milestone.Picked, StatusCode.InvalidArgument, "invalid_occurred_at", DateTimeOffset.UtcNow.AddDays(2));
        await AssertRefusedAsync(Guid.NewGuid().ToString(), FulfillmentProto.Milestone.Picked, StatusCode.NotFound, "shipment_not_found");
        await AssertRefusedAsync("not-a-shipment", FulfillmentProto.Milestone.Picked, StatusCode.NotFound, "shipment_not_found");
        var nul = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = shipment.ShipmentId, Milestone = FulfillmentProto.Milestone.Picked, Source = "bad\0source",
        }).ResponseAsync);

        Assert.Equal("invalid_text", nul.Trailers.GetValue("error-code"));
        var after = await host.Fulfillment.GetShipmentAsync(new FulfillmentProto.GetShipmentRequest { ShipmentId = shipment.ShipmentId });
        Assert.Equal(shipment.History.Count, after.History.Count);
        Assert.Equal(FulfillmentProto.Milestone.Requested, after.Milestone);
    }

    private async Task AssertRefusedAsync(string shipmentId, FulfillmentProto.Milestone milestone, StatusCode status, string code, DateTimeOffset? occurredAt = null)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = shipmentId, Milestone = milestone, OccurredAt = occurredAt is { } at ? Time(at) : null,
        }).ResponseAsync);
        Assert.Equal(status, refused.StatusCode);
        Assert.Equal(code, refused.Trailers.GetValue("error-code"));
    }

    private async Task<FulfillmentProto.Shipment> Record(
        string shipmentId,
        FulfillmentProto.Milestone milestone,
        DateTimeOffset? at = null,
        string? partnerEventId = null,
        FulfillmentProto.ExceptionKind kind = FulfillmentProto.ExceptionKind.Unspecified,
        string? detail = null) =>
        await host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = shipmentId,
            Milestone = milestone,
            OccurredAt = at is { } value ? Time(value) : null,
            Source = "3pl:json",
            PartnerEventId = partnerEventId ?? string.Empty,
            ExceptionKind = kind,
            Detail = detail ?? string.Empty,
        });

    private static Timestamp Time(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);

    private static string Wire(FulfillmentProto.Milestone milestone) => milestone switch
    {
        FulfillmentProto.Milestone.InTransit => "in_transit",
        FulfillmentProto.Milestone.OutForDelivery => "out_for_delivery",
        _ => milestone.ToString().ToLowerInvariant(),
    };
}
