using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.InventoryService.OrderEvents;

/// <summary>order.shipped → commit the shipped quantities of those lines (on hand and reserved both drop), once per shipment id.</summary>
public sealed class OrderShippedHandler(ReservationService reservations) : IEventHandler<OrderShipped>, IEventBatchLocking<OrderShipped>
{
    /// <summary>The SKUs whose positions the shipments commit: a batch of them locks all first (<see cref="PositionLocks"/>).</summary>
    public IEnumerable<string> LockNames(IReadOnlyList<OrderShipped> events) =>
        events.SelectMany(e => e.Lines).Where(l => l.Quantity > 0 && !string.IsNullOrEmpty(l.Sku)).Select(l => l.Sku).Distinct(StringComparer.Ordinal);

    public async Task HandleAsync(OrderShipped @event, EventContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(@event.ShipmentId))
        {
            throw new InventoryException(InventoryErrors.MissingShipmentId, $"order.shipped for {@event.OrderId} has no shipment id.");
        }

        var lines = @event.Lines.Where(l => l.Quantity > 0).Select(l => (l.LineId, l.Quantity)).ToList();
        await reservations.CommitAsync(context.Transaction, @event.OrderId, @event.ShipmentId, lines, strict: false, new StockChanges(), cancellationToken);
    }
}
