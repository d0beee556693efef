using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.InventoryService.Backorders;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.InventoryService.Returns;

/// <summary>
/// return.received → the "restock" lines go back on hand at the receiving location (a ledger entry "return"
/// referencing the return); "damaged" lines are written off, so stock does not change. Once per event (the inbox).
/// </summary>
public sealed class ReturnReceivedHandler(StockService stock, BackorderSignal backorders) : IEventHandler<ReturnReceived>, IEventBatchLocking<ReturnReceived>
{
    public const string Restock = "restock";
    public const string Reason = "return";

    /// <summary>The SKUs restocked: a batch of returns locks all their positions first (<see cref="PositionLocks"/>).</summary>
    public IEnumerable<string> LockNames(IReadOnlyList<ReturnReceived> events) =>
        events.SelectMany(e => e.Lines).Where(l => l.Disposition == Restock && l.Quantity > 0 && !string.IsNullOrEmpty(l.Sku)).Select(l => l.Sku).Distinct(StringComparer.Ordinal);

    public async Task HandleAsync(ReturnReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        var changes = new StockChanges();
        // Positions are locked in SKU order, as every inventory transaction locks them.
        foreach (var line in @event.Lines.Where(l => l.Disposition == Restock && l.Quantity > 0).OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            await stock.AdjustAsync(
                context.Transaction, line.Sku, @event.LocationId, line.Quantity, Reason, $"return:{@event.ReturnId}", changes, cancellationToken);
        }

        if (changes.BackordersWoken)
        {
            context.OnCommitted(backorders.Notify);
        }
    }
}
