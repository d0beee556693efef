using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging.Outbox;
using Npgsql;

namespace Distribution.Aspire.Messaging.Publishing;

/// <summary>
/// State changes and their events sent as one batch, one round trip instead of one per statement.
/// Outside an explicit transaction PostgreSQL runs the batch as a single implicit transaction, so
/// everything in it commits or nothing does, and the relay is woken after that commit; inside one
/// (<see cref="IEventBus.CreateBatch(NpgsqlTransaction)"/>) it commits with the transaction.
/// </summary>
public sealed class OutboxBatch : IAsyncDisposable
{
    private readonly NpgsqlBatch _batch;
    private readonly OutboxEventBus _bus;
    private readonly OutboxSignal _signal;
    private int _events;

    internal OutboxBatch(NpgsqlConnection connection, NpgsqlTransaction? transaction, OutboxEventBus bus, OutboxSignal signal)
    {
        _batch = new NpgsqlBatch(connection, transaction);
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

    /// <summary>Runs the batch as one implicit transaction; the commands' results are in their <c>RecordsAffected</c>.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_batch.Transaction is not null)
        {
            throw new InvalidOperationException("A batch created for a transaction commits with it: call ExecuteAsync, then commit the transaction.");
        }

        await RunAsync(cancellationToken);
    }

    /// <summary>
    /// Runs the batch inside the transaction it was created for, in one round trip; the transaction's commit makes it
    /// durable. The relay's wake-up comes before that commit (it re-reads briefly to catch it), or, in a handler's
    /// transaction, from the dispatcher after the commit.
    /// </summary>
    public async Task ExecuteAsync(CancellationToken cancellationToken = default)
    {
        if (_batch.Transaction is null)
        {
            throw new InvalidOperationException("A batch created without a transaction commits on its own: call CommitAsync.");
        }

        await RunAsync(cancellationToken);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_batch.Connection!.State != System.Data.ConnectionState.Open || _batch.BatchCommands.Count == 0)
        {
            throw new InvalidOperationException("An outbox batch needs an open connection and at least one command.");
        }

        await _batch.ExecuteNonQueryAsync(cancellationToken);
        if (_events == 0)
        {
            return;
        }

        if (_batch.Transaction is { } transaction)
        {
            _signal.NotifyBeforeCommit(transaction);
        }
        else
        {
            _signal.Notify();
        }
    }

    public ValueTask DisposeAsync() => _batch.DisposeAsync();
}
