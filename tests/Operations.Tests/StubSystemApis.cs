using Distribution.Aspire.Contracts.Common.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>The timeline order's story, as the order and fulfillment services would tell it.</summary>
public static class TimelineStory
{
    public static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-10);

    /// <summary>The steps in time order: what the console's timeline must show, top to bottom.</summary>
    public static readonly string[] InTimeOrder =
        ["received", "reserved", "accepted", "requested", "released", "acknowledged", "picked", "packed", "shipped", "shipped", "in_transit"];

    public static OrdersProto.Order Order(string orderId, string partnerId, string channelOrderId) => new()
    {
        OrderId = orderId,
        Channel = "b2b",
        PartnerId = partnerId,
        ChannelOrderId = channelOrderId,
        Currency = "USD",
        Status = OrdersProto.OrderStatus.Shipped,
        Priority = 50,
        FulfillmentChannel = OrdersProto.FulfillmentChannel.Merchant,
        ShipTo = new Address { Name = "Ada Buyer", Line1 = "1 Secret Street", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        Lines = { new OrdersProto.OrderLine { LineId = "1", Sku = "SKU-1", Quantity = 2, ShippedQuantity = 2, UnitPrice = Usd("10.00"), Total = Usd("20.00") } },
        Totals = new OrdersProto.OrderTotals { Subtotal = Usd("20.00"), Total = Usd("20.00") },
        History =
        {
            Change(OrdersProto.OrderStatus.Received, 0, "received"),
            Change(OrdersProto.OrderStatus.Reserved, 1, "reserved at WH-EAST"),
            Change(OrdersProto.OrderStatus.Accepted, 2, "all lines reserved"),
            Change(OrdersProto.OrderStatus.Released, 10, "released to fulfillment at WH-EAST"),
            Change(OrdersProto.OrderStatus.Shipped, 240, "shipped by UPS 1Z999"),
        },
        CreatedAt = At(0),
        UpdatedAt = At(240),
    };

    /// <summary>Milestones as fulfillment recorded them: a late "picked" arrived after "in transit" and was not applied.</summary>
    public static FulfillmentProto.Shipment Shipment(string orderId) => new()
    {
        ShipmentId = "9a8b7c6d-0000-4000-8000-000000000002",
        OrderId = orderId,
        LocationId = "WH-EAST",
        NodeKind = "warehouse",
        Channel = "b2b",
        Milestone = FulfillmentProto.Milestone.InTransit,
        Lines = { new FulfillmentProto.ShipmentLine { LineId = "1", Sku = "SKU-1", Quantity = 2, ShippedQuantity = 2 } },
        Packages = { new FulfillmentProto.Package { Carrier = "UPS", TrackingNumber = "1Z999" } },
        History =
        {
            Milestone(FulfillmentProto.Milestone.Requested, 5, 5, true),
            Milestone(FulfillmentProto.Milestone.Acknowledged, 30, 31, true),
            Milestone(FulfillmentProto.Milestone.Packed, 180, 181, true),
            Milestone(FulfillmentProto.Milestone.Shipped, 230, 231, true),
            Milestone(FulfillmentProto.Milestone.InTransit, 300, 301, true),
            Milestone(FulfillmentProto.Milestone.Picked, 120, 360, false),
        },
        CreatedAt = At(5),
        UpdatedAt = At(360),
    };

    private static Money Usd(string amount) => new() { Amount = amount, Currency = "USD" };

    private static Timestamp At(int minutes) => Timestamp.FromDateTimeOffset(Start.AddMinutes(minutes));

    private static OrdersProto.StatusChange Change(OrdersProto.OrderStatus status, int minutes, string reason) =>
        new() { Status = status, At = At(minutes), Reason = reason };

    private static FulfillmentProto.MilestoneEntry Milestone(FulfillmentProto.Milestone milestone, int occurred, int recorded, bool applied) =>
        new() { Milestone = milestone, OccurredAt = At(occurred), RecordedAt = At(recorded), Source = "3pl:acme/json", Applied = applied };
}

/// <summary>The order service's gRPC surface for the console's searches.</summary>
public sealed class StubOrders : OrdersProto.Orders.OrdersBase
{
    public const string SharedChannelOrderId = "PO-TWICE";

    public override Task<OrdersProto.Order> GetOrder(OrdersProto.GetOrderRequest request, ServerCallContext context) =>
        request.OrderId == RecordedShapes.TimelineOrderId.ToString()
            ? Task.FromResult(TimelineStory.Order(request.OrderId, "timeline-b2b", RecordedShapes.TimelineChannelOrderId))
            : throw new RpcException(new Status(StatusCode.NotFound, $"No order {request.OrderId}."));

    public override Task<OrdersProto.ListOrdersResponse> ListOrders(OrdersProto.ListOrdersRequest request, ServerCallContext context)
    {
        var response = new OrdersProto.ListOrdersResponse();
        if (request.ChannelOrderId == RecordedShapes.TimelineChannelOrderId && string.IsNullOrEmpty(request.PartnerId))
        {
            response.Orders.Add(TimelineStory.Order(RecordedShapes.TimelineOrderId.ToString(), "timeline-b2b", request.ChannelOrderId));
        }
        else if (request.ChannelOrderId == SharedChannelOrderId)
        {
            response.Orders.Add(TimelineStory.Order("11111111-0000-4000-8000-000000000001", "alpha-b2b", request.ChannelOrderId));
            response.Orders.Add(TimelineStory.Order("22222222-0000-4000-8000-000000000002", "beta-b2b", request.ChannelOrderId));
        }

        return Task.FromResult(response);
    }
}

public sealed class StubFulfillment : FulfillmentProto.Fulfillment.FulfillmentBase
{
    public override Task<FulfillmentProto.ListShipmentsResponse> ListShipments(FulfillmentProto.ListShipmentsRequest request, ServerCallContext context)
    {
        var response = new FulfillmentProto.ListShipmentsResponse();
        if (request.OrderId == RecordedShapes.TimelineOrderId.ToString())
        {
            response.Shipments.Add(TimelineStory.Shipment(request.OrderId));
        }

        return Task.FromResult(response);
    }
}
