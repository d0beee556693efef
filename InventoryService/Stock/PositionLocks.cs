using Distribution.Aspire.Messaging.Consuming;
using Npgsql;

namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>
/// A batch of stock events locks every position of its SKUs up front, in (sku, location) order like every other
/// caller, so batches of reservations, shipments, cancellations and returns queue on each other instead of deadlocking.
/// </summary>
public sealed class PositionLocks : IBatchRowLocks
{
    public Task LockAsync(IReadOnlyCollection<string> keys, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        PositionStore.LockSkusAsync(transaction, keys, cancellationToken);
}
