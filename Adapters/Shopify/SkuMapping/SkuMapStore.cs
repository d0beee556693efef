using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.SkuMapping;

/// <summary>
/// The SKU ↔ inventory item/location map. Entries come from the shop's products (<see cref="SkuMapSynchronizer"/>,
/// source <c>sync</c>) or from operators (source <c>admin</c>), and an operator's entry is never overwritten by a sync.
/// </summary>
public sealed class SkuMapStore(NpgsqlDataSource database, OutboundSignal outbound)
{
    private const string Columns = "sku, inventory_item_id, location_id, variant_id, source, updated_at";

    public static async Task<SkuCatalog> LoadCatalogAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<string> skus, IReadOnlyCollection<long> variantIds, bool requireKnown,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT sku, variant_id FROM sku_map WHERE sku = ANY(@skus) OR variant_id = ANY(@variants)", connection, transaction);
        command.Parameters.AddWithValue("skus", skus.ToArray());
        command.Parameters.AddWithValue("variants", variantIds.ToArray());
        var known = new HashSet<string>(StringComparer.Ordinal);
        var byVariant = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sku = reader.GetString(0);
            known.Add(sku);
            if (!reader.IsDBNull(1))
            {
                byVariant[reader.GetInt64(1)] = sku;
            }
        }

        return new SkuCatalog(byVariant, known, requireKnown);
    }

    public async Task<IReadOnlyList<SkuMapEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM sku_map ORDER BY sku");
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<SkuMapEntry?> FindAsync(string sku, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM sku_map WHERE sku = @sku");
        command.Parameters.AddWithValue("sku", sku);
        return await ReadAllAsync(command, cancellationToken) is [var entry, ..] ? entry : null;
    }

    /// <summary>The entries of the SKUs that are mapped, by SKU.</summary>
    public async Task<IReadOnlyDictionary<string, SkuMapEntry>> FindManyAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM sku_map WHERE sku = ANY(@skus)");
        command.Parameters.AddWithValue("skus", skus.ToArray());
        return (await ReadAllAsync(command, cancellationToken)).ToDictionary(e => e.Sku, StringComparer.Ordinal);
    }

    public async Task<SkuMapEntry?> FindByItemAsync(long inventoryItemId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM sku_map WHERE inventory_item_id = @item", connection, transaction);
        command.Parameters.AddWithValue("item", inventoryItemId);
        return await ReadAllAsync(command, cancellationToken) is [var entry, ..] ? entry : null;
    }

    /// <summary>
    /// Sets one entry. An operator's entry replaces whatever was there; a synced one replaces only synced entries and
    /// frees the item and variant from a synced entry of another SKU (a SKU renamed in Shopify). Returns false when an
    /// operator's entry holds the SKU, item or variant.
    /// </summary>
    public async Task<bool> UpsertAsync(string sku, long inventoryItemId, long locationId, long? variantId, string source, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var free = new NpgsqlCommand("""
            DELETE FROM sku_map
            WHERE sku <> @sku AND (inventory_item_id = @item OR (@variant::bigint IS NOT NULL AND variant_id = @variant))
              AND (source = 'sync' OR @source = 'admin')
            """, connection, transaction))
        {
            free.Parameters.AddWithValue("sku", sku);
            free.Parameters.AddWithValue("item", inventoryItemId);
            free.Parameters.AddWithValue("variant", NpgsqlDbType.Bigint, (object?)variantId ?? DBNull.Value);
            free.Parameters.AddWithValue("source", source);
            await free.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var upsert = new NpgsqlCommand("""
            INSERT INTO sku_map (sku, inventory_item_id, location_id, variant_id, source) VALUES (@sku, @item, @location, @variant, @source)
            ON CONFLICT (sku) DO UPDATE SET inventory_item_id = excluded.inventory_item_id, location_id = excluded.location_id,
                variant_id = excluded.variant_id, source = excluded.source, updated_at = now()
            WHERE sku_map.source = 'sync' OR excluded.source = 'admin'
            """, connection, transaction);
        upsert.Parameters.AddWithValue("sku", sku);
        upsert.Parameters.AddWithValue("item", inventoryItemId);
        upsert.Parameters.AddWithValue("location", locationId);
        upsert.Parameters.AddWithValue("variant", NpgsqlDbType.Bigint, (object?)variantId ?? DBNull.Value);
        upsert.Parameters.AddWithValue("source", source);
        try
        {
            if (await upsert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }

        await ReviveUnmappedAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbound.Quantities.Notify();
        return true;
    }

    public async Task<bool> DeleteAsync(string sku, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("DELETE FROM sku_map WHERE sku = @sku");
        command.Parameters.AddWithValue("sku", sku);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Quantity updates parked because their SKU was not mapped go back to the queue once it is.</summary>
    private static async Task ReviveUnmappedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE outbound_commands SET status = 'pending', next_attempt_at = now(), updated_at = now()
            WHERE status = 'unmapped' AND payload->>'sku' IN (SELECT sku FROM sku_map)
            """, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<SkuMapEntry>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<SkuMapEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SkuMapEntry(
                reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return entries;
    }
}
