using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Backorders;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging.Consuming;
using Npgsql;

namespace Distribution.Aspire.InventoryService.OrderEvents;

/// <summary>order.cancelled → release what the order holds and drop it from the backorder queue; a cancel that arrives first stops the order's later reservation.</summary>
public sealed class OrderCancelledHandler(ReservationService reservations, BackorderSignal backorders)
    : IEventHandler<OrderCancelled>, IEventBatchLocking<OrderCancelled>
{
    /// <summary>
    /// The SKUs of what the orders hold, which their releases unlock: a batch of them locks all first
    /// (<see cref="PositionLocks"/>). The event does not name them, so the batch's gate turn does not cover them.
    /// </summary>
    public async Task<IEnumerable<string>> LockKeysAsync(IReadOnlyList<OrderCancelled> events, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT DISTINCT sku FROM reservations WHERE order_id = ANY(@ids) AND state = 'held'", transaction.Connection, transaction);
        command.Parameters.AddWithValue("ids", events.Select(e => e.OrderId).Distinct().ToArray());
        var skus = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            skus.Add(reader.GetString(0));
        }

        return skus;
    }

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
