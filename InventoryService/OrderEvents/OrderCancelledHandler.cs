using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Backorders;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.InventoryService.OrderEvents;

/// <summary>order.cancelled → release what the order holds and drop it from the backorder queue; a cancel that arrives first stops the order's later reservation.</summary>
public sealed class OrderCancelledHandler(ReservationService reservations, BackorderSignal backorders) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        var changes = new StockChanges();
        await reservations.ReleaseAsync(context.Transaction, @event.OrderId, @event.Channel, @event.Reason, changes, cancellationToken);
        if (changes.BackordersWoken)
        {
            // Once committed: woken now, the filler could look before the commit and find nothing until its next poll.
            context.OnCommitted(backorders.Notify);
        }
    }
}
