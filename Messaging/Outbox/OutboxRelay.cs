using System.Diagnostics;
using Distribution.Aspire.Messaging.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Messaging.Outbox;

/// <summary>
/// Moves committed events from the outbox to the transport, in position order, then deletes them.
/// One relay per database is active at a time (a Postgres advisory lock), which keeps events of one
/// partition key in order; other replicas stand by. A crash after publishing and before deleting
/// publishes those events again: consumers skip them by id. Woken by <see cref="OutboxSignal"/> when
/// this process writes an event; events written by other replicas are picked up by the poll.
/// </summary>
internal sealed class OutboxRelay(
    NpgsqlDataSource database,
    IEventTransport transport,
    IOptions<MessagingOptions> options,
    MessagingTelemetry telemetry,
    OutboxSignal signal,
    ILogger<OutboxRelay> logger,
    IMessagingCheckpoint? checkpoint = null) : BackgroundService
{
    private const long RelayLockKey = 0x4F55_5442_4F58; // "OUTBOX"
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);

    // A writer that signals before its transaction commits is caught by these short re-reads.
    private static readonly TimeSpan[] CommitWaits = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(8), TimeSpan.FromMilliseconds(16), TimeSpan.FromMilliseconds(32)];

    // The statement is prepared, and the plan PostgreSQL keeps for it is made while the outbox is nearly empty. Written
    // as IN (SELECT ...), that plan was a hash join over a sequential scan of the whole table: after a burst, the outbox
    // is thousands of pages of dead rows until vacuum gets to it, and every read walked them all (5-30 ms a read, where
    // an index lookup takes well under one). An array of positions is looked up through the index whatever the plan.
    private const string TakeBatchSql = """
        DELETE FROM outbox WHERE position = ANY(ARRAY(SELECT position FROM outbox ORDER BY position LIMIT $1))
        RETURNING position, event_id, topic, partition_key, envelope
        """;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private TimeSpan _backoff = FirstBackoff;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The lock lives as long as this connection: if the process dies, another replica leads.
                await using var leadership = await database.OpenConnectionAsync(stoppingToken);
                if (!await TryLeadAsync(leadership, stoppingToken))
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                    continue;
                }

                logger.LogInformation("Outbox relay active");
                try
                {
                    await RelayWhileLeadingAsync(stoppingToken);
                }
                finally
                {
                    // Pooled connections go back without a session reset: the lock must not outlive the leadership.
                    await LetGoAsync(leadership);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The transport or the database is down: the events stay in the outbox until it is back.
                telemetry.RelayFailures.Add(1);
                logger.LogWarning(ex, "Outbox relay failed; retrying in {Delay} ms", _backoff.TotalMilliseconds);
                if (!await Pause.ForAsync(_backoff, stoppingToken))
                {
                    return;
                }

                _backoff = TimeSpan.FromMilliseconds(Math.Min(_backoff.TotalMilliseconds * 2, 5000));
            }
        }
    }

    /// <summary>
    /// Relays whenever a writer wakes the relay, and on a short poll for events other replicas wrote. A wake-up
    /// after the writer's commit needs one read (each empty read is a database round trip or two, per wake-up, on
    /// every service); one before it is chased with short re-reads until the commit shows.
    /// </summary>
    private async Task RelayWhileLeadingAsync(CancellationToken stoppingToken)
    {
        var chasing = false;
        var waits = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var relayed = await RelayBatchAsync(stoppingToken);
            _backoff = FirstBackoff;
            if (relayed >= options.Value.RelayBatchSize)
            {
                continue;
            }

            if (chasing && relayed > 0)
            {
                // The writer that woke us may have committed after this read began: one more read at once.
                chasing = false;
                waits = 0;
                continue;
            }

            if (chasing && waits < CommitWaits.Length)
            {
                // A writer that signals after its commit ends the wait at once.
                await signal.WaitAsync(CommitWaits[waits++], stoppingToken);
                continue;
            }

            waits = 0;
            chasing = await signal.WaitAsync(IdlePoll, stoppingToken) && signal.TakeUncommitted();
        }
    }

    internal async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        // Take and delete in one statement, but commit only after the transport accepted the batch:
        // a failure or crash before the commit leaves every row in place. The commit need not wait
        // for its WAL flush: a delete lost in a crash re-relays, and consumers skip events by id.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var batch = new List<(long Position, OutgoingEvent Event)>();
        await using (var take = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO OFF"),
                new NpgsqlBatchCommand(TakeBatchSql)
                {
                    Parameters = { new() { Value = options.Value.RelayBatchSize } },
                },
            },
        })
        {
            await using var reader = await take.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                batch.Add((reader.GetInt64(0), new OutgoingEvent(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4))));
            }
        }

        if (batch.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return 0;
        }

        // RETURNING does not promise the subquery's order.
        batch.Sort((left, right) => left.Position.CompareTo(right.Position));

        if (checkpoint is not null)
        {
            await checkpoint.ReachedAsync(IMessagingCheckpoint.RelayBeforePublish, cancellationToken);
        }

        using (var activity = telemetry.ActivitySource.StartActivity("outbox relay", ActivityKind.Producer))
        {
            activity?.SetTag("messaging.batch.message_count", batch.Count);
            await transport.PublishAsync(batch.ConvertAll(item => item.Event), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        foreach (var group in batch.GroupBy(item => item.Event.Topic))
        {
            telemetry.Relayed.Add(group.Count(), new KeyValuePair<string, object?>("messaging.destination.name", group.Key));
        }

        return batch.Count;
    }

    private async Task LetGoAsync(NpgsqlConnection leadership)
    {
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({RelayLockKey})", leadership);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is closed, not pooled, and its lock goes with it.
            logger.LogDebug(ex, "Could not release the outbox relay lock");
        }
    }

    private static async Task<bool> TryLeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({RelayLockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
