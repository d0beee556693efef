using Distribution.Aspire.Contracts.Events;
using Npgsql;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>
/// Optional for an <see cref="IEventHandler{TEvent}"/> whose events lock shared rows (stock positions, say). Batches of
/// different partitions run side by side, and a batch handling its events one after the other locks rows in event
/// order, not in one global order: two such batches over the same rows deadlock, and PostgreSQL only notices after its
/// deadlock timeout (a second by default), which under load becomes the pipeline's pace. So before a batch with more
/// than one such event is handled, every handler names the keys of the rows its events will lock, and the service's
/// <see cref="IBatchRowLocks"/> locks them all in one statement, in one global order, whatever the events' types.
/// </summary>
public interface IEventBatchLocking<in TEvent> where TEvent : IIntegrationEvent
{
    /// <summary>
    /// Names for what these events will lock (SKUs, say), known without the database. Batches of this process with a
    /// name in common take turns before they open their transactions (<see cref="BatchLockGate"/>), so the queue forms
    /// outside the database; none means every batch goes straight to its row locks.
    /// </summary>
    IEnumerable<string> LockNames(IReadOnlyList<TEvent> events) => [];

    /// <summary>The keys of every row these events will lock, read in the batch's transaction if need be; <see cref="LockNames"/> by default.</summary>
    Task<IEnumerable<string>> LockKeysAsync(IReadOnlyList<TEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        Task.FromResult(LockNames(events));
}

/// <summary>
/// Locks the rows of a batch's keys (see <see cref="IEventBatchLocking{TEvent}"/>) in the batch's transaction, in one
/// statement and in the order every other locker of those rows uses. One per service that has batch-locking handlers.
/// </summary>
public interface IBatchRowLocks
{
    Task LockAsync(IReadOnlyCollection<string> keys, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
