using Distribution.Aspire.InventoryService.Stock;
using Npgsql;

namespace Distribution.Aspire.InventoryService.Availability;

/// <summary>Reads availability from Postgres, for many SKUs in one round trip.</summary>
public static class AvailabilityStore
{
    /// <summary>Snapshots of those SKUs that exist; unknown SKUs are left out.</summary>
    public static async Task<Dictionary<string, AvailabilitySnapshot>> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> skus, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var keys = skus.ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT sku FROM items WHERE sku = ANY(@skus)") { Parameters = { new NpgsqlParameter("skus", keys) } },
                new NpgsqlBatchCommand("SELECT sku, location_id, on_hand, reserved, safety_stock FROM positions WHERE sku = ANY(@skus) ORDER BY sku, location_id")
                {
                    Parameters = { new NpgsqlParameter("skus", keys) },
                },
                new NpgsqlBatchCommand("SELECT sku, channel, share_percent, buffer FROM channel_allocations WHERE sku = ANY(@skus) ORDER BY sku, channel")
                {
                    Parameters = { new NpgsqlParameter("skus", keys) },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var items = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken);
        var positions = new List<PositionView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            positions.Add(new PositionView(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        await reader.NextResultAsync(cancellationToken);
        var rules = new List<(string Sku, ChannelRule Rule)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rules.Add((reader.GetString(0), new ChannelRule(reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3))));
        }

        return items.ToDictionary(
            sku => sku,
            sku => new AvailabilitySnapshot(
                sku,
                positions.Where(p => p.Sku == sku).ToList(),
                rules.Where(r => r.Sku == sku).Select(r => r.Rule).ToList(),
                asOf),
            StringComparer.Ordinal);
    }
}
