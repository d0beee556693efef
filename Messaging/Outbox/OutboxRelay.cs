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

    // The writer signals before its transaction commits; these short re-reads catch the commit.
    private static readonly TimeSpan[] CommitWaits = [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(8), TimeSpan.FromMilliseconds(16), TimeSpan.FromMilliseconds(32)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
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
                while (!stoppingToken.IsCancellationRequested)
                {
                    var relayed = await RelayBatchAsync(stoppingToken);
                    backoff = TimeSpan.FromMilliseconds(200);
                    if (relayed >= options.Value.RelayBatchSize)
                    {
                        continue;
                    }

                    if (relayed == 0 && await signal.WaitAsync(IdlePoll, stoppingToken))
                    {
                        foreach (var wait in CommitWaits)
                        {
                            if (await RelayBatchAsync(stoppingToken) > 0)
                            {
                                break;
                            }

                            await Task.Delay(wait, stoppingToken);
                        }
                    }
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
                logger.LogWarning(ex, "Outbox relay failed; retrying in {Delay} ms", backoff.TotalMilliseconds);
                if (!await Pause.ForAsync(backoff, stoppingToken))
                {
                    return;
                }

                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
            }
        }
    }

    internal async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var batch = new List<(long Position, OutgoingEvent Event)>();
        await using (var select = new NpgsqlCommand(
            "SELECT position, event_id, topic, partition_key, envelope FROM outbox ORDER BY position LIMIT @limit", connection))
        {
            select.Parameters.AddWithValue("limit", options.Value.RelayBatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                batch.Add((reader.GetInt64(0), new OutgoingEvent(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<byte[]>(4))));
            }
        }

        if (batch.Count == 0)
        {
            return 0;
        }

        if (checkpoint is not null)
        {
            await checkpoint.ReachedAsync(IMessagingCheckpoint.RelayBeforePublish, cancellationToken);
        }

        using (var activity = telemetry.ActivitySource.StartActivity("outbox relay", ActivityKind.Producer))
        {
            activity?.SetTag("messaging.batch.message_count", batch.Count);
            await transport.PublishAsync(batch.Select(item => item.Event).ToList(), cancellationToken);
        }

        // The delete need not wait for its WAL flush: if it is lost in a crash the events are relayed
        // again and consumers skip them by id, so durability here would only cost a disk flush per batch.
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var delete = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO OFF"),
                    new NpgsqlBatchCommand("DELETE FROM outbox WHERE position = ANY($1)") { Parameters = { new() { Value = batch.Select(item => item.Position).ToArray() } } },
                },
            };
            await delete.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var group in batch.GroupBy(item => item.Event.Topic))
        {
            telemetry.Relayed.Add(group.Count(), new KeyValuePair<string, object?>("messaging.destination.name", group.Key));
        }

        return batch.Count;
    }

    private static async Task<bool> TryLeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({RelayLockKey})", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
