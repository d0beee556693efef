using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>
/// Operator and node changes to stock: locations, adjustments (a delta with a reason), counts (absolute,
/// applied only when newer than the node's last count), safety stock and channel allocations. Each runs
/// in the caller's transaction and is written to the ledger.
/// </summary>
public sealed class StockService(InventoryTelemetry telemetry)
{
    public const int DefaultRank = 100;

    public static readonly string[] LocationKinds = ["warehouse", "3pl"];

    public async Task<(LocationInfo Location, bool Created)> UpsertLocationAsync(
        NpgsqlTransaction transaction, string? locationId, string? kind, string? partnerId, int? rank, CancellationToken cancellationToken)
    {
        var id = InventoryValidation.LocationId(locationId);
        if (kind is null || !LocationKinds.Contains(kind, StringComparer.Ordinal))
        {
            throw new InventoryException(InventoryErrors.InvalidLocationKind, "kind must be 'warehouse' or '3pl'.");
        }

        if (partnerId is { Length: > 64 } || rank is < 0 or > 1_000_000)
        {
            throw new InventoryException(InventoryErrors.InvalidLocation, "partnerId is at most 64 characters; rank is between 0 and 1000000.");
        }

        await using var upsert = new NpgsqlCommand(
            """
            INSERT INTO locations (location_id, kind, partner_id, rank) VALUES (@id, @kind, @partner, coalesce(@rank, @default_rank))
            ON CONFLICT (location_id) DO UPDATE
                SET kind = excluded.kind, partner_id = excluded.partner_id, rank = coalesce(@rank, locations.rank), updated_at = now()
            RETURNING location_id, kind, partner_id, rank, xmax = 0
            """,
            transaction.Connection,
            transaction);
        upsert.Parameters.AddWithValue("id", id);
        upsert.Parameters.AddWithValue("kind", kind);
        upsert.Parameters.Add(new NpgsqlParameter("partner", NpgsqlDbType.Text) { Value = string.IsNullOrEmpty(partnerId) ? DBNull.Value : partnerId });
        upsert.Parameters.Add(new NpgsqlParameter("rank", NpgsqlDbType.Integer) { Value = rank is int value ? value : DBNull.Value });
        upsert.Parameters.AddWithValue("default_rank", DefaultRank);
        await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (new LocationInfo(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3)), reader.GetBoolean(4));
    }

    /// <summary>A delta with a reason. A SKU's first adjustment creates the item: receiving stock is how a SKU first appears.</summary>
    public async Task<PositionView> AdjustAsync(
        NpgsqlTransaction transaction, string sku, string locationId, int delta, string reason, string? reference, StockChanges changes, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory adjust");
        activity?.SetTag("inventory.sku", sku);
        activity?.SetTag("inventory.location", locationId);
        var (kind, position, _) = await OpenPositionAsync(transaction, sku, locationId, createItem: true, cancellationToken);
        var onHand = (long)position.OnHand + delta;
        if (onHand < 0)
        {
            throw new InventoryException(
                InventoryErrors.NegativeOnHand, $"{sku} at {locationId} has {position.OnHand} on hand; a delta of {delta} would make it negative.", InventoryErrorKind.Unprocessable);
        }

        if (onHand > InventoryValidation.MaxOnHand)
        {
            throw new InventoryException(InventoryErrors.InvalidQuantity, $"On hand may not exceed {InventoryValidation.MaxOnHand}.");
        }

        await PositionStore.ApplyAsync(transaction, [new PositionChange(sku, locationId, delta, 0, 0, reason, reference)], changes, cancellationToken);
        Record("delta", kind);
        return position with { OnHand = (int)onHand };
    }

    /// <summary>An absolute count from the node; ignored (and answered with the position as it is) unless newer than the last count applied.</summary>
    public async Task<(bool Applied, PositionView Position)> SetOnHandAsync(
        NpgsqlTransaction transaction, string sku, string locationId, int onHand, DateTimeOffset countedAt, string reason, string? reference, StockChanges changes, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory count");
        activity?.SetTag("inventory.sku", sku);
        activity?.SetTag("inventory.location", locationId);
        // PostgreSQL keeps microseconds: compared at finer precision, the same count sent again would look newer
        // than the stored one and be applied twice, undoing whatever moved the position in between.
        countedAt = new DateTimeOffset(countedAt.UtcTicks - (countedAt.UtcTicks % 10), TimeSpan.Zero);
        var (kind, position, lastCountedAt) = await OpenPositionAsync(transaction, sku, locationId, createItem: true, cancellationToken);
        if (lastCountedAt is { } last && countedAt <= last)
        {
            activity?.SetTag("inventory.outcome", "older_count_ignored");
            return (false, position);
        }

        await using (var stamp = new NpgsqlCommand(
            "UPDATE positions SET last_counted_at = @counted WHERE sku = @sku AND location_id = @location", transaction.Connection, transaction))
        {
            stamp.Parameters.AddWithValue("counted", countedAt);
            stamp.Parameters.AddWithValue("sku", sku);
            stamp.Parameters.AddWithValue("location", locationId);
            await stamp.ExecuteNonQueryAsync(cancellationToken);
        }

        if (onHand != position.OnHand)
        {
            await PositionStore.ApplyAsync(transaction, [new PositionChange(sku, locationId, onHand - position.OnHand, 0, 0, reason, reference)], changes, cancellationToken);
        }

        Record("count", kind);
        return (true, position with { OnHand = onHand });
    }

    public async Task<PositionView> SetSafetyStockAsync(
        NpgsqlTransaction transaction, string sku, string locationId, int safetyStock, string reason, StockChanges changes, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory safety stock");
        var (kind, position, _) = await OpenPositionAsync(transaction, sku, locationId, createItem: false, cancellationToken);
        if (safetyStock != position.SafetyStock)
        {
            await PositionStore.ApplyAsync(
                transaction, [new PositionChange(sku, locationId, 0, 0, safetyStock - position.SafetyStock, reason, null)], changes, cancellationToken);
        }

        Record("safety_stock", kind);
        return position with { SafetyStock = safetyStock };
    }

    /// <summary>Replaces the SKU's channel rules; channels without a rule may offer all of ATP.</summary>
    public static async Task SetAllocationsAsync(
        NpgsqlTransaction transaction, string sku, IReadOnlyList<ChannelRule> rules, StockChanges changes, CancellationToken cancellationToken)
    {
        await EnsureItemAsync(transaction, sku, cancellationToken);
        await using (var replace = new NpgsqlCommand(
            """
            WITH removed AS (DELETE FROM channel_allocations WHERE sku = @sku)
            INSERT INTO channel_allocations (sku, channel, share_percent, buffer)
            SELECT @sku, channel, share, buffer FROM unnest(@channels, @shares, @buffers) AS r(channel, share, buffer)
            """,
            transaction.Connection,
            transaction))
        {
            replace.Parameters.AddWithValue("sku", sku);
            replace.Parameters.AddWithValue("channels", rules.Select(r => r.Channel).ToArray());
            replace.Parameters.AddWithValue("shares", rules.Select(r => r.SharePercent).ToArray());
            replace.Parameters.AddWithValue("buffers", rules.Select(r => r.Buffer).ToArray());
            await replace.ExecuteNonQueryAsync(cancellationToken);
        }

        await PositionStore.MarkAvailabilityChangedAsync(transaction, [sku], changes, cancellationToken);
    }

    private void Record(string adjustmentKind, string locationKind) =>
        telemetry.Adjustments.Add(1, new KeyValuePair<string, object?>("kind", adjustmentKind), new KeyValuePair<string, object?>("location.kind", locationKind));

    private static async Task<(string Kind, PositionView Position, DateTimeOffset? LastCountedAt)> OpenPositionAsync(
        NpgsqlTransaction transaction, string sku, string locationId, bool createItem, CancellationToken cancellationToken)
    {
        string kind;
        await using (var location = new NpgsqlCommand("SELECT kind FROM locations WHERE location_id = @id", transaction.Connection, transaction))
        {
            location.Parameters.AddWithValue("id", locationId);
            kind = await location.ExecuteScalarAsync(cancellationToken) as string
                ?? throw new InventoryException(InventoryErrors.UnknownLocation, $"No location '{locationId}'; create it with POST /admin/locations.", InventoryErrorKind.NotFound);
        }

        if (createItem)
        {
            await using var item = new NpgsqlCommand("INSERT INTO items (sku) VALUES (@sku) ON CONFLICT (sku) DO NOTHING", transaction.Connection, transaction);
            item.Parameters.AddWithValue("sku", sku);
            await item.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await EnsureItemAsync(transaction, sku, cancellationToken);
        }

        await using (var create = new NpgsqlCommand(
            "INSERT INTO positions (sku, location_id) VALUES (@sku, @location) ON CONFLICT (sku, location_id) DO NOTHING", transaction.Connection, transaction))
        {
            create.Parameters.AddWithValue("sku", sku);
            create.Parameters.AddWithValue("location", locationId);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var open = new NpgsqlCommand(
            "SELECT on_hand, reserved, safety_stock, last_counted_at FROM positions WHERE sku = @sku AND location_id = @location FOR UPDATE",
            transaction.Connection,
            transaction);
        open.Parameters.AddWithValue("sku", sku);
        open.Parameters.AddWithValue("location", locationId);
        await using var reader = await open.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (
            kind,
            new PositionView(sku, locationId, reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
    }

    private static async Task EnsureItemAsync(NpgsqlTransaction transaction, string sku, CancellationToken cancellationToken)
    {
        await using var item = new NpgsqlCommand("SELECT 1 FROM items WHERE sku = @sku", transaction.Connection, transaction);
        item.Parameters.AddWithValue("sku", sku);
        if (await item.ExecuteScalarAsync(cancellationToken) is null)
        {
            throw new InventoryException(InventoryErrors.UnknownSku, $"No item '{sku}'.", InventoryErrorKind.NotFound);
        }
    }
}
