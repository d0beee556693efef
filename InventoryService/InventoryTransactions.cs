using Distribution.Aspire.InventoryService.Availability;
using Distribution.Aspire.InventoryService.Backorders;
using Distribution.Aspire.InventoryService.Stock;
using Npgsql;

namespace Distribution.Aspire.InventoryService;

/// <summary>
/// Runs a call's work in its own transaction, then does what must wait for the commit: drop the changed
/// SKUs from the cache and wake the backorder filler. Event handlers run in the dispatcher's
/// transaction instead; for them the availability publisher drops the cache entries once their marks are
/// published, and the filler is woken through <c>EventContext.OnCommitted</c>.
/// </summary>
public sealed class InventoryTransactions(NpgsqlDataSource database, AvailabilityCache cache, BackorderSignal backorders)
{
    public async Task<T> RunAsync<T>(Func<NpgsqlTransaction, StockChanges, Task<T>> work, CancellationToken cancellationToken)
    {
        var changes = new StockChanges();
        T result;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            result = await work(transaction, changes);
            await transaction.CommitAsync(cancellationToken);
        }

        await AfterCommitAsync(changes);
        return result;
    }

    public async Task AfterCommitAsync(StockChanges changes)
    {
        await cache.InvalidateAsync(changes.Skus);
        if (changes.BackordersWoken)
        {
            backorders.Notify();
        }
    }
}
