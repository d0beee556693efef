using Distribution.Aspire.Contracts.Events;
using Npgsql;

namespace Distribution.Aspire.Messaging.Publishing;

/// <summary>
/// Publishes integration events. An event is written to the outbox inside the caller's transaction,
/// so it exists exactly when the state change that caused it commits, and is delivered after that.
/// </summary>
public interface IEventBus
{
    Task<string> PublishAsync<TEvent>(TEvent @event, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent;

    /// <summary>
    /// Starts a batch that commits state changes and the events they cause in one round trip (one
    /// implicit transaction), for write paths that know all their statements up front.
    /// </summary>
    OutboxBatch CreateBatch(NpgsqlConnection connection);

    /// <summary>
    /// Starts a batch of statements and events that runs inside <paramref name="transaction"/> in one round trip
    /// (<see cref="OutboxBatch.ExecuteAsync"/>) and commits with it, for handlers whose later statements depend on nothing
    /// the earlier ones answer.
    /// </summary>
    OutboxBatch CreateBatch(NpgsqlTransaction transaction);
}
