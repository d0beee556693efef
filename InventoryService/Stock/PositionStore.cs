using Npgsql;

namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>
/// Locking and changing positions. Every caller locks the positions it needs before changing any, in
/// (sku, location) order, so concurrent transactions on any number of replicas queue instead of
/// deadlocking, and each decides on numbers no one else can change under it.
/// </summary>
public static class PositionStore
{
    private const string Columns = "p.sku, p.location_id, l.rank, p.on_hand, p.reserved, p.safety_stock";

    private const string LockSkusSql = $"SELECT {Columns} FROM positions p JOIN locations l USING (location_id) WHERE p.sku = ANY($1) ORDER BY p.sku, p.location_id FOR UPDATE OF p";

    /// <summary>Every position of these SKUs, locked.</summary>
    public static async Task<List<Position>> LockSkusAsync(NpgsqlTransaction transaction, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { LockSkusCommand(skus) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadPositionsAsync(reader, cancellationToken);
    }

    /// <summary><see cref="LockSkusAsync"/> as a statement of a caller's batch; its rows are read with <see cref="ReadPositionsAsync"/>.</summary>
    public static NpgsqlBatchCommand LockSkusCommand(IReadOnlyCollection<string> skus) =>
        new(LockSkusSql) { Parameters = { new() { Value = skus.ToArray() } } };

    /// <summary>The rows of the reader's current result, which holds positions.</summary>
    public static async Task<List<Position>> ReadPositionsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var positions = new List<Position>();
        while (await reader.ReadAsync(cancellationToken))
        {
            positions.Add(new Position(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5)));
        }

        return positions;
    }

    /// <summary>These positions, locked.</summary>
    public static Task<List<Position>> LockAsync(NpgsqlTransaction transaction, IEnumerable<(string Sku, string LocationId)> keys, CancellationToken cancellationToken)
    {
        var distinct = keys.Distinct().ToList();
        return ReadAsync(
            transaction,
            $"""
            SELECT {Columns} FROM positions p JOIN locations l USING (location_id)
            WHERE (p.sku, p.location_id) IN (SELECT * FROM unnest(@skus, @locations))
            ORDER BY p.sku, p.location_id FOR UPDATE OF p
            """,
            command =>
            {
                command.Parameters.AddWithValue("skus", distinct.Select(k => k.Sku).ToArray());
                command.Parameters.AddWithValue("locations", distinct.Select(k => k.LocationId).ToArray());
            },
            cancellationToken);
    }

    /// <summary>
    /// Moves locked positions and writes one ledger entry per change, then marks the SKUs for the
    /// availability publisher and, where stock may have been freed, for the backorder filler.
    /// </summary>
    public static async Task ApplyAsync(NpgsqlTransaction transaction, IReadOnlyList<PositionChange> changes, StockChanges tracker, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var skus = changes.Select(c => c.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await using (var apply = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { ApplyCommand(changes), MarkCommand(skus) } })
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        tracker.Skus.UnionWith(skus);
        var freed = changes.Where(c => c.MayFreeStock).Select(c => c.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (freed.Length > 0)
        {
            await using var wake = new NpgsqlCommand(
                """
                INSERT INTO backorder_wakeups AS w (sku)
                SELECT s FROM unnest(@skus) s WHERE EXISTS (SELECT 1 FROM backorders b WHERE b.skus @> ARRAY[s]) ORDER BY s
                ON CONFLICT (sku) DO UPDATE SET version = w.version + 1, marked_at = now()
                """,
                transaction.Connection,
                transaction);
            wake.Parameters.AddWithValue("skus", freed);
            if (await wake.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                tracker.BackordersWoken = true;
            }
        }
    }

    /// <summary>
    /// <see cref="ApplyAsync"/> for changes that cannot free stock (a reservation), as statements for a caller's
    /// batch: the position update with its ledger entries, and the availability marks.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> ApplyCommands(IReadOnlyList<PositionChange> changes, StockChanges tracker)
    {
        if (changes.Any(c => c.MayFreeStock))
        {
            throw new InvalidOperationException("Changes that may free stock wake backorders; apply them with ApplyAsync.");
        }

        if (changes.Count == 0)
        {
            return [];
        }

        var skus = changes.Select(c => c.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        tracker.Skus.UnionWith(skus);
        return [ApplyCommand(changes), MarkCommand(skus)];
    }

    private static NpgsqlBatchCommand ApplyCommand(IReadOnlyList<PositionChange> changes) =>
        new(
            """
            WITH changes AS (
                SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7)
                    AS c(sku, location_id, on_hand_delta, reserved_delta, safety_stock_delta, reason, reference)
            ), entries AS (
                INSERT INTO ledger (sku, location_id, on_hand_delta, reserved_delta, safety_stock_delta, reason, reference)
                SELECT sku, location_id, on_hand_delta, reserved_delta, safety_stock_delta, reason, reference FROM changes
            )
            UPDATE positions p
            SET on_hand = p.on_hand + t.on_hand_delta,
                reserved = p.reserved + t.reserved_delta,
                safety_stock = p.safety_stock + t.safety_stock_delta,
                updated_at = now()
            FROM (SELECT sku, location_id, sum(on_hand_delta)::int AS on_hand_delta, sum(reserved_delta)::int AS reserved_delta,
                         sum(safety_stock_delta)::int AS safety_stock_delta
                  FROM changes GROUP BY sku, location_id) t
            WHERE p.sku = t.sku AND p.location_id = t.location_id
            """)
        {
            Parameters =
            {
                new() { Value = changes.Select(c => c.Sku).ToArray() },
                new() { Value = changes.Select(c => c.LocationId).ToArray() },
                new() { Value = changes.Select(c => c.OnHandDelta).ToArray() },
                new() { Value = changes.Select(c => c.ReservedDelta).ToArray() },
                new() { Value = changes.Select(c => c.SafetyStockDelta).ToArray() },
                new() { Value = changes.Select(c => c.Reason).ToArray() },
                new() { Value = changes.Select(c => c.Reference).ToArray() },
            },
        };

    /// <summary>
    /// Marks SKUs whose published availability is out of date, in the caller's transaction. The version bump
    /// (rather than "insert if missing") takes the mark's row lock, so a publication running meanwhile cannot
    /// delete a mark that covers a change it did not see.
    /// </summary>
    public static async Task MarkAvailabilityChangedAsync(NpgsqlTransaction transaction, IEnumerable<string> skus, StockChanges tracker, CancellationToken cancellationToken)
    {
        var sorted = skus.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        await using var mark = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { MarkCommand(sorted) } };
        await mark.ExecuteNonQueryAsync(cancellationToken);
        tracker.Skus.UnionWith(sorted);
    }

    private static NpgsqlBatchCommand MarkCommand(string[] sortedSkus) =>
        new(
            """
            INSERT INTO availability_dirty AS d (sku) SELECT s FROM unnest($1::text[]) s ORDER BY s
            ON CONFLICT (sku) DO UPDATE SET version = d.version + 1, marked_at = now()
            """)
        {
            Parameters = { new() { Value = sortedSkus } },
        };

    private static async Task<List<Position>> ReadAsync(NpgsqlTransaction transaction, string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadPositionsAsync(reader, cancellationToken);
    }
}
