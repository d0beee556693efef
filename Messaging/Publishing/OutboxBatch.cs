using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging.Outbox;
using Npgsql;

namespace Distribution.Aspire.Messaging.Publishing;

/// <summary>
/// State changes and their events sent as one batch: PostgreSQL runs a batch outside an explicit
/// transaction as a single implicit transaction, so everything in it commits or nothing does, at
/// the cost of one round trip instead of one per statement plus the commit. The relay is woken
/// after the commit, so it finds the events on its first read.
/// </summary>
public sealed class OutboxBatch : IAsyncDisposable
{
    private readonly NpgsqlBatch _batch;
    private readonly OutboxEventBus _bus;
    private readonly OutboxSignal _signal;
    private int _events;

    internal OutboxBatch(NpgsqlConnection connection, OutboxEventBus bus, OutboxSignal signal)
    {
        _batch = new NpgsqlBatch(connection);
        _bus = bus;
        _signal = signal;
    }

    public OutboxBatch Add(NpgsqlBatchCommand command)
    {
        _batch.BatchCommands.Add(command);
        return this;
    }

    /// <returns>The event's id.</returns>
    public string Publish<TEvent>(TEvent @event)
        where TEvent : IIntegrationEvent
    {
        var (id, command) = _bus.CreateOutboxCommand(@event);
        _batch.BatchCommands.Add(command);
        _events++;
        return id;
    }

    /// <summary>Runs the batch; the commands' results are in their <c>RecordsAffected</c>.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_batch.Connection!.State != System.Data.ConnectionState.Open || _batch.BatchCommands.Count == 0)
        {
            throw new InvalidOperationException("An outbox batch needs an open connection and at least one command.");
        }

        await _batch.ExecuteNonQueryAsync(cancellationToken);
        if (_events > 0)
        {
            _signal.Notify();
        }
    }

    public ValueTask DisposeAsync() => _batch.DisposeAsync();
}
