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

    // One implicit transaction, one round trip: set_config(..., true) lasts to its end. Its commit need not wait for
    // the WAL flush: a delete lost in a crash only relays those events again, and consumers skip events by id.
    // Both statements are prepared, and each must stay an index lookup under the plan PostgreSQL caches while the
    // outbox is nearly empty: after a burst the table is thousands of pages of dead rows until vacuum gets to it. A read
    // written as IN (SELECT ... LIMIT n) once walked them all (5-30 ms a read), and so did the delete, planned as a
    // sequential scan once analyze had seen a one-page outbox (4-30 ms a delete, for a minute after every burst). With
    // sequential scans off while they are planned, neither can. OutboxRelayTests checks both.
    private const string CycleSettingsSql = "SELECT set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true)";
    private const string DeleteRelayedSql = "DELETE FROM outbox WHERE position = ANY($1)";
    private const string ReadSql = "SELECT position, event_id, topic, partition_key, envelope FROM outbox ORDER BY position LIMIT $1";

    // Published, not deleted yet: the next read deletes them in the same round trip, so the relay makes one database
    // round trip per batch instead of two. That read comes with the next wake-up or at the latest with the idle poll (see
    // RelayWhileLeadingAsync); a crash before it only publishes them again.
    private long[] _relayed = [];

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
                    await RelayWhileLeadingAsync(leadership, stoppingToken);
                }
                finally
                {
                    await DeleteRelayedAsync();

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
    /// after the writer's commit needs one read (each empty read is a database round trip, per wake-up, on every
    /// service); one before it is chased with short re-reads until the commit shows.
    /// What a read relays is deleted by the next read, whenever that comes.
    /// </summary>
    private async Task RelayWhileLeadingAsync(NpgsqlConnection leadership, CancellationToken stoppingToken)
    {
        var chasing = false;
        var waits = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var relayed = await RelayBatchAsync(leadership, stoppingToken);
            _backoff = FirstBackoff;
            if (relayed == options.Value.RelayBatchSize || (relayed > 0 && chasing))
            {
                // At once: a full batch leaves more behind, and a writer that woke us before it committed may not be in
                // this one. The next read also deletes what was just published.
                chasing = false;
                waits = 0;
                continue;
            }

            if (relayed == 0 && chasing && waits < CommitWaits.Length)
            {
                // A writer that signals after its commit ends the wait at once.
                await signal.WaitAsync(CommitWaits[waits++], stoppingToken);
                continue;
            }

            // Otherwise the read saw every commit made before it began, and a writer committing since wakes the relay, so
            // reading again at once would find nothing: what was just published is deleted by the next read, whenever the
            // next event (or the idle poll) brings it. At a steady trickle of events this saves a round trip per event.
            waits = 0;
            chasing = await signal.WaitAsync(IdlePoll, stoppingToken) && signal.TakeUncommitted();
        }
    }

    /// <summary>One batch on a connection of its own, without leading (tests drive the relay this way).</summary>
    internal async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await RelayBatchAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Deletes what the last call published, then reads, publishes and counts the next batch. The leader runs it on the
    /// connection that holds the lock: the read takes no row locks, so if that session were gone (and with it the
    /// leadership) a relay on another connection would go on beside the new leader; this one fails instead.
    /// </summary>
    private async Task<int> RelayBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var batch = await DeleteRelayedAndReadAsync(connection, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        if (checkpoint is not null)
        {
            await checkpoint.ReachedAsync(IMessagingCheckpoint.RelayBeforePublish, cancellationToken);
        }

        // A failure or crash before the transport accepted the batch leaves every row in place.
        using (var activity = telemetry.ActivitySource.StartActivity("outbox relay", ActivityKind.Producer))
        {
            activity?.SetTag("messaging.batch.message_count", batch.Count);
            await transport.PublishAsync(batch.ConvertAll(item => item.Event), cancellationToken);
        }

        _relayed = batch.ConvertAll(item => item.Position).ToArray();
        foreach (var group in batch.GroupBy(item => item.Event.Topic))
        {
            telemetry.Relayed.Add(group.Count(), new KeyValuePair<string, object?>("messaging.destination.name", group.Key));
        }

        return batch.Count;
    }

    private async Task<List<(long Position, OutgoingEvent Event)>> DeleteRelayedAndReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var cycle = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(CycleSettingsSql),
                new NpgsqlBatchCommand(DeleteRelayedSql) { Parameters = { new() { Value = _relayed } } },
                new NpgsqlBatchCommand(ReadSql) { Parameters = { new() { Value = options.Value.RelayBatchSize } } },
            },
        };

        var batch = new List<(long Position, OutgoingEvent Event)>();
        await using (var reader = await cycle.ExecuteReaderAsync(cancellationToken))
        {
            // To the end, past the settings' row: the transaction has committed once the last result is read.
            do
            {
                while (reader.FieldCount == 5 && await reader.ReadAsync(cancellationToken))
                {
                    batch.Add((reader.GetInt64(0), new OutgoingEvent(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4))));
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        _relayed = [];
        return batch;
    }

    /// <summary>On the way out, so the next leader does not publish them again (it would be harmless, but is not needed).</summary>
    private async Task DeleteRelayedAsync()
    {
        if (_relayed.Length == 0)
        {
            return;
        }

        // Briefly: a database that is down must not hold up the service's shutdown for a connection timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await using var delete = database.CreateBatch();
            delete.BatchCommands.Add(new NpgsqlBatchCommand(CycleSettingsSql));
            delete.BatchCommands.Add(new NpgsqlBatchCommand(DeleteRelayedSql) { Parameters = { new() { Value = _relayed } } });
            await delete.ExecuteNonQueryAsync(timeout.Token);
            _relayed = [];
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            logger.LogDebug(ex, "Could not delete the last relayed events; the next leader publishes them again");
        }
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
