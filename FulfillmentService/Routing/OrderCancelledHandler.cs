using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.FulfillmentService.Routing;

/// <summary>order.cancelled: withdraws the shipment requests whose goods have not left, and remembers the cancellation.</summary>
public sealed class OrderCancelledHandler(ShipmentRequests requests) : IEventHandler<OrderCancelled>
{
    public Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken) =>
        requests.WithdrawAsync(@event, context, cancellationToken);
}
