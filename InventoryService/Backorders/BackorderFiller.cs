using System.Text.Json;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.InventoryService.Backorders;

/// <summary>
/// Retries backorders when stock for one of their SKUs arrives. A change that may free stock (receipt,
/// count up, release, safety stock down) writes a wake-up mark for each SKU that has backorders, in its
/// own transaction; this takes the marks and tries every backorder waiting on those SKUs, highest
/// priority first, then oldest, each in its own transaction (all lines or none, same policy as a new
/// order). An order that still does not fit stays queued and does not block smaller ones behind it.
/// One replica fills at a time (a Postgres advisory lock), so the queue order holds across replicas; a
/// periodic sweep re-marks SKUs that have both stock and backorders, should a mark ever be missed.
/// </summary>
internal sealed class BackorderFiller(
    NpgsqlDataSource database,
    ReservationService reservations,
    InventoryTransactions transactions,
    BackorderSignal signal,
    IOptions<InventoryOptions> options,
    TimeProvider time,
    ILogger<BackorderFiller> logger) : BackgroundService
{
    private const long LockKey = 0x494E_5642_4143_4B4F; // "INVBACKO"
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.BackorderPollMilliseconds);
        var sweepEvery = TimeSpan.FromSeconds(options.Value.BackorderSweepSeconds);
        var lastSweep = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(poll, stoppingToken);
                var sweep = time.GetUtcNow() - lastSweep >= sweepEvery;
                await FillAsync(sweep, stoppingToken);
                if (sweep)
                {
                    lastSweep = time.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The marks stay; the next poll tries again.
                logger.LogWarning(ex, "Filling backorders failed; retrying");
                await Task.Delay(poll, stoppingToken);
            }
        }
    }

    /// <summary>One pass over the woken SKUs' backorders; returns how many were filled.</summary>
    internal async Task<int> FillAsync(bool sweep, CancellationToken cancellationToken)
    {
        await using var leader = await database.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(leader, "SELECT pg_try_advisory_lock(@key)", cancellationToken, ("key", LockKey)))
        {
            return 0;
        }

        try
        {
            if (sweep)
            {
                await ExecuteAsync(
                    leader,
                    """
                    INSERT INTO backorder_wakeups AS w (sku)
                    SELECT DISTINCT s FROM backorders b, unnest(b.skus) s
                    WHERE EXISTS (SELECT 1 FROM positions p WHERE p.sku = s AND p.on_hand - p.reserved - p.safety_stock > 0)
                    ORDER BY s
                    ON CONFLICT (sku) DO UPDATE SET version = w.version + 1, marked_at = now()
                    """,
                    cancellationToken);
            }

            var marks = new List<(string Sku, long Version)>();
            await using (var claim = leader.CreateClaim(null, new NpgsqlBatchCommand("SELECT sku, version FROM backorder_wakeups ORDER BY sku LIMIT 500")))
            await using (var reader = await claim.ExecuteClaimReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    marks.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            if (marks.Count == 0)
            {
                return 0;
            }

            var filled = await FillWaitingOnAsync(leader, marks.Select(m => m.Sku).ToArray(), cancellationToken);
            await ExecuteAsync(
                leader,
                "DELETE FROM backorder_wakeups w USING unnest(@skus, @versions) AS m(sku, version) WHERE w.sku = m.sku AND w.version = m.version",
                cancellationToken,
                ("skus", marks.Select(m => m.Sku).ToArray()),
                ("versions", marks.Select(m => m.Version).ToArray()));
            return filled;
        }
        finally
        {
            await ExecuteAsync(leader, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", LockKey));
        }
    }

    private async Task<int> FillWaitingOnAsync(NpgsqlConnection connection, string[] skus, CancellationToken cancellationToken)
    {
        var waiting = new List<(Guid OrderId, List<OrderLine> Lines)>();
        await using (var select = new NpgsqlCommand(
            "SELECT order_id, lines::text FROM backorders WHERE skus && @skus ORDER BY priority DESC, received_at, order_id", connection))
        {
            select.Parameters.AddWithValue("skus", skus);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                waiting.Add((reader.GetGuid(0), JsonSerializer.Deserialize<List<OrderLine>>(reader.GetString(1), Json)!));
            }
        }

        // An unlocked estimate only saves hopeless attempts; the decision is made under the position locks.
        var estimate = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var atp = new NpgsqlCommand(
            "SELECT sku, sum(greatest(on_hand - reserved - safety_stock, 0)) FROM positions WHERE sku = ANY(@skus) GROUP BY sku", connection))
        {
            atp.Parameters.AddWithValue("skus", waiting.SelectMany(w => w.Lines.Select(l => l.Sku)).Distinct(StringComparer.Ordinal).ToArray());
            await using var reader = await atp.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                estimate[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var filled = 0;
        foreach (var (orderId, lines) in waiting)
        {
            var demand = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => (Sku: g.Key, Quantity: g.Sum(l => (long)l.Quantity))).ToList();
            if (demand.Any(d => estimate.GetValueOrDefault(d.Sku) < d.Quantity))
            {
                continue;
            }

            if (await TryFillAsync(orderId, cancellationToken))
            {
                filled++;
                foreach (var (sku, quantity) in demand)
                {
                    estimate[sku] -= quantity;
                }
            }
        }

        return filled;
    }

    private async Task<bool> TryFillAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var changes = new StockChanges();
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var outcome = await reservations.TryFillBackorderAsync(transaction, orderId, changes, cancellationToken);
            if (outcome?.Status != ReservationStatus.Reserved)
            {
                return false;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Backorder {OrderId} reserved", orderId);
        await transactions.AfterCommitAsync(changes);
        return true;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
