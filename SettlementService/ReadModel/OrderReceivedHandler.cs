using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.SettlementService.ReadModel;

/// <summary>order.received: the order, its channel order id and, from the order service, its prices and total.</summary>
public sealed class OrderReceivedHandler(OrderPricing pricing) : IEventHandler<OrderReceived>
{
    public async Task HandleAsync(OrderReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        var order = await pricing.GetAsync(@event.OrderId, cancellationToken);
        await KnownOrders.RecordReceivedAsync(context, @event, order, cancellationToken);
    }
}
