using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.SettlementService.ReadModel;

public sealed class OrderCancelledHandler : IEventHandler<OrderCancelled>
{
    public Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken) =>
        KnownOrders.MoveAsync(context, @event.OrderId, @event.Channel, @event.PartnerId, "cancelled", null, cancellationToken);
}
