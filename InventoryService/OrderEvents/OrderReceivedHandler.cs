using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.InventoryService.OrderEvents;

/// <summary>
/// order.received → reserve all lines or backorder the order, publishing inventory.reserved or
/// inventory.reservation_failed in the inbox transaction. Marketplace-fulfilled orders hold none of our
/// stock. A redelivery, a repeat or an order cancelled before it arrived does nothing.
/// </summary>
public sealed class OrderReceivedHandler(ReservationService reservations, ILogger<OrderReceivedHandler> logger)
    : IEventHandler<OrderReceived>, IEventBatchLocking<OrderReceived>
{
    /// <summary>
    /// The SKUs whose positions the batch's reservations lock, order by order: the batch locks them all first
    /// (<see cref="PositionLocks"/>), and this replica's batches over the same SKUs take turns before they begin.
    /// </summary>
    public IEnumerable<string> LockNames(IReadOnlyList<OrderReceived> events) =>
        events
            .Where(e => e.FulfillmentChannel != FulfillmentChannels.Marketplace)
            .SelectMany(e => e.Lines.Select(l => l.Sku))
            .Where(sku => !string.IsNullOrEmpty(sku))
            .Distinct(StringComparer.Ordinal);

    public async Task HandleAsync(OrderReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        if (@event.FulfillmentChannel == FulfillmentChannels.Marketplace)
        {
            logger.LogDebug("Order {OrderId} is marketplace-fulfilled; no stock to reserve", @event.OrderId);
            return;
        }

        // OrderService validated the order; an event that breaks these rules is a bug, and throwing sends it to the dead letters.
        var command = new ReserveCommand(
            @event.OrderId,
            InventoryValidation.Channel(@event.Channel.ToLowerInvariant()),
            InventoryValidation.Lines(@event.Lines.Select(l => ((string?)l.LineId, (string?)l.Sku, l.Quantity))),
            @event.Priority,
            @event.ReceivedAt);
        await reservations.ReserveAsync(context.Transaction, command, unknownSkusAreShort: true, new StockChanges(), cancellationToken);
    }
}
