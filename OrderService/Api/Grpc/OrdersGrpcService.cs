using Distribution.Aspire.OrderService.Lifecycle;
using Distribution.Aspire.OrderService.Queries;
using Distribution.Aspire.OrderService.Submitting;
using Grpc.Core;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Api.Grpc;

/// <summary>The orders.v1 system API over the same core as the partner JSON surface.</summary>
public sealed class OrdersGrpcService(OrderSubmitter submitter, OrderLifecycle lifecycle, OrderQueries queries) : Proto.Orders.OrdersBase
{
    public override async Task<Proto.SubmitOrderResponse> SubmitOrder(Proto.SubmitOrderRequest request, ServerCallContext context) =>
        OrderMessages.ToResponse(await submitter.SubmitAsync(OrderMessages.ToSubmission(request), context.CancellationToken));

    public override async Task<Proto.Order> GetOrder(Proto.GetOrderRequest request, ServerCallContext context) =>
        OrderMessages.ToMessage(await queries.GetAsync(OrderMessages.OrderId(request.OrderId), OrderMessages.Optional(request.PartnerId), context.CancellationToken));

    public override async Task<Proto.Order> FindOrder(Proto.FindOrderRequest request, ServerCallContext context) =>
        OrderMessages.ToMessage(await queries.FindAsync(request.Channel, request.PartnerId, request.ChannelOrderId, context.CancellationToken));

    public override async Task<Proto.ListOrdersResponse> ListOrders(Proto.ListOrdersRequest request, ServerCallContext context)
    {
        var page = await queries.ListAsync(OrderMessages.ToFilter(request), context.CancellationToken);
        var response = new Proto.ListOrdersResponse { NextPageToken = page.NextPageToken ?? string.Empty };
        response.Orders.AddRange(page.Orders.Select(OrderMessages.ToMessage));
        return response;
    }

    public override async Task<Proto.Order> CancelOrder(Proto.CancelOrderRequest request, ServerCallContext context)
    {
        var reason = OrderMessages.Optional(request.Reason);
        if (string.IsNullOrEmpty(request.OrderId) && !string.IsNullOrEmpty(request.ChannelOrderId))
        {
            var cancelled = await lifecycle.CancelByChannelOrderIdAsync(request.Channel, request.PartnerId, request.ChannelOrderId, reason, context.CancellationToken);
            return cancelled is null ? OrderMessages.EarlyCancellation(request) : OrderMessages.ToMessage(cancelled);
        }

        var order = await lifecycle.CancelAsync(OrderMessages.OrderId(request.OrderId), OrderMessages.Optional(request.PartnerId), reason, context.CancellationToken);
        return OrderMessages.ToMessage(order);
    }

    public override async Task<Proto.Order> ReleaseOrder(Proto.ReleaseOrderRequest request, ServerCallContext context) =>
        OrderMessages.ToMessage(await lifecycle.ReleaseAsync(OrderMessages.OrderId(request.OrderId), OrderMessages.Optional(request.Reason), context.CancellationToken));

    public override async Task<Proto.Order> RecordShipment(Proto.RecordShipmentRequest request, ServerCallContext context)
    {
        var shipment = new ShipmentReport(
            OrderMessages.OrderId(request.OrderId),
            request.ShipmentId,
            request.Lines.Select(line => new ShippedLineInput(line.LineId, line.Quantity)).ToList(),
            OrderMessages.Optional(request.Carrier),
            OrderMessages.Optional(request.TrackingNumber));
        return OrderMessages.ToMessage(await lifecycle.RecordShipmentAsync(shipment, context.CancellationToken));
    }

    public override async Task<Proto.Order> MarkDelivered(Proto.MarkDeliveredRequest request, ServerCallContext context) =>
        OrderMessages.ToMessage(await lifecycle.MarkDeliveredAsync(OrderMessages.OrderId(request.OrderId), OrderMessages.Optional(request.Reason), context.CancellationToken));

    public override async Task<Proto.Order> MarkReturned(Proto.MarkReturnedRequest request, ServerCallContext context) =>
        OrderMessages.ToMessage(await lifecycle.MarkReturnedAsync(OrderMessages.OrderId(request.OrderId), OrderMessages.Optional(request.Reason), context.CancellationToken));
}
