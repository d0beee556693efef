using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Publishing;
using Npgsql;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>The delivery being handled and the transaction the handler's changes (and new events) belong in.</summary>
public sealed class EventContext(CloudEvent envelope, NpgsqlConnection connection, NpgsqlTransaction transaction, IEventBus bus, AfterCommit afterCommit)
{
    public CloudEvent Envelope { get; } = envelope;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>Publishes a follow-up event in the same transaction as the handler's changes.</summary>
    public Task<string> PublishAsync<TEvent>(TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : Contracts.Events.IIntegrationEvent =>
        bus.PublishAsync(@event, Transaction, cancellationToken);

    /// <summary>Statements and follow-up events sent in one round trip inside the handler's transaction.</summary>
    public OutboxBatch CreateBatch() => bus.CreateBatch(Transaction);

    /// <summary>
    /// Runs <paramref name="action"/> once the handler's transaction has committed, and never if it rolls back. For waking
    /// a worker to what the handler queued: woken from inside the handler, the worker can look before the commit, find
    /// nothing, and sleep until its next poll.
    /// </summary>
    public void OnCommitted(Action action) => afterCommit.Add(action);
}
