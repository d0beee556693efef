using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.InventoryService.Availability;

/// <summary>
/// Coalesces availability changes: every change marks its SKU dirty in its own transaction; every
/// window (<see cref="InventoryOptions.AvailabilityPublishIntervalMilliseconds"/>) this takes the dirty
/// SKUs, computes their current numbers and publishes one <see cref="InventoryAvailabilityChanged"/>
/// per SKU through the outbox, in one transaction that also clears the marks. A burst of changes to a
/// SKU within a window is one event carrying the latest numbers. The marks live in Postgres, so
/// nothing is lost across restarts; one replica publishes at a time (a transaction-scoped advisory
/// lock), which keeps each SKU's sequence increasing with the freshness of its numbers.
/// </summary>
internal sealed class AvailabilityPublisher(
    NpgsqlDataSource database,
    IEventBus bus,
    AvailabilityCache cache,
    IOptions<InventoryOptions> options,
    InventoryTelemetry telemetry,
    TimeProvider time,
    ILogger<AvailabilityPublisher> logger) : BackgroundService
{
    private const long LockKey = 0x494E_5641_5641_494C; // "INVAVAIL"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.AvailabilityPublishIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
                while (await PublishAsync(stoppingToken) >= options.Value.AvailabilityPublishBatchSize)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The marks stay; the next window publishes them.
                logger.LogWarning(ex, "Publishing availability failed; retrying next window");
            }
        }
    }

    /// <summary>Publishes one batch of dirty SKUs; returns how many marks it took.</summary>
    internal async Task<int> PublishAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var leader = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key)", connection, transaction))
        {
            leader.Parameters.AddWithValue("key", LockKey);
            if (!(bool)(await leader.ExecuteScalarAsync(cancellationToken))!)
            {
                return 0;
            }
        }

        // Marks a stock change is bumping right now are skipped, not waited for: their transactions lock
        // marks in their own order, so waiting could deadlock, and the next window publishes them anyway.
        // The marks taken stay locked until this commits, and a stock change that bumps one waits (holding the
        // positions every reservation of that SKU queues on), so everything after this read is one round trip.
        var marks = new List<(string Sku, long Version)>();
        var select = new NpgsqlBatchCommand("SELECT sku, version FROM availability_dirty ORDER BY sku LIMIT @limit FOR UPDATE SKIP LOCKED");
        select.Parameters.AddWithValue("limit", options.Value.AvailabilityPublishBatchSize);
        await using (var claim = connection.CreateClaim(transaction, select))
        {
            await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                marks.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        if (marks.Count == 0)
        {
            return 0;
        }

        using var activity = telemetry.Start("inventory availability publish");
        activity?.SetTag("inventory.skus", marks.Count);
        var skus = marks.Select(m => m.Sku).ToArray();
        var now = time.GetUtcNow();
        var snapshots = await AvailabilityStore.LoadAsync(connection, transaction, skus, now, cancellationToken);
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var next = new NpgsqlCommand(
            """
            INSERT INTO availability_published AS a (sku, sequence) SELECT s, 1 FROM unnest(@skus) s ORDER BY s
            ON CONFLICT (sku) DO UPDATE SET sequence = a.sequence + 1, published_at = now()
            RETURNING sku, sequence
            """,
            connection,
            transaction))
        {
            next.Parameters.AddWithValue("skus", snapshots.Keys.ToArray());
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                sequences[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // Every event and the clear in one round trip. A mark whose version moved on covers a change this
        // publication may not have seen: it stays.
        await using (var publish = bus.CreateBatch(transaction))
        {
            foreach (var snapshot in snapshots.Values.OrderBy(s => s.Sku, StringComparer.Ordinal))
            {
                publish.Publish(new InventoryAvailabilityChanged(snapshot.Sku, snapshot.Available, snapshot.Channels(options.Value.Channels), sequences[snapshot.Sku], now));
            }

            publish.Add(new NpgsqlBatchCommand(
                """
                DELETE FROM availability_dirty d USING unnest($1::text[], $2::bigint[]) AS m(sku, version)
                WHERE d.sku = m.sku AND d.version = m.version
                """)
            {
                Parameters = { new() { Value = skus }, new() { Value = marks.Select(m => m.Version).ToArray() } },
            });
            await publish.ExecuteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(skus);
        telemetry.AvailabilityEvents.Add(snapshots.Count);
        return marks.Count;
    }
}
