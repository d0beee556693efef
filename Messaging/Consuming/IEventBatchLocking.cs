using Distribution.Aspire.Contracts.Events;
using Npgsql;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>
/// Optional for an <see cref="IEventHandler{TEvent}"/>: before a batch of first deliveries is handled in one
/// transaction, the handler is shown every new event of its type in it, once, to lock the rows they will need
/// in one global order. Batches of different partitions run side by side and otherwise lock rows in event
/// order; two such batches over the same rows deadlock, and PostgreSQL only notices after its deadlock
/// timeout (a second by default), which under load becomes the pipeline's pace.
/// </summary>
public interface IEventBatchLocking<in TEvent> where TEvent : IIntegrationEvent
{
    Task LockAsync(IReadOnlyList<TEvent> events, NpgsqlTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Names for what <see cref="LockAsync"/> will lock (SKUs, say), for batches of any size. Batches of this
    /// process with a name in common take turns before they open their transactions (<see cref="BatchLockGate"/>),
    /// so the queue forms outside the database; none means every batch goes straight to its row locks.
    /// </summary>
    IEnumerable<string> LockNames(IReadOnlyList<TEvent> events) => [];
}
