using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.InventoryService.Items;

/// <summary>
/// The item master as the ERP keeps it. Items still appear on their first receipt; the catalogue fills in the
/// description, unit and blocked flag, and makes a SKU known before any stock arrives (so it reserves as short,
/// not as unknown). An update older than the one stored is ignored, so a late page cannot undo a newer one.
/// </summary>
public sealed class ItemCatalog(NpgsqlDataSource database, InventoryTelemetry telemetry)
{
    public const int MaxItems = 1000;
    public const int MaxDescriptionLength = 250;
    public const int MaxUnitLength = 16;

    public async Task<CatalogUpsert> UpsertAsync(IReadOnlyCollection<CatalogEntry> entries, string? source, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory items upsert");
        if (entries.Count > MaxItems)
        {
            throw new InventoryException(InventoryErrors.TooManyItems, $"At most {MaxItems} items per call.");
        }

        var origin = string.IsNullOrEmpty(source) ? "erp" : InventoryValidation.Channel(source);
        var rejected = new List<(string Sku, string Code, string Message)>();
        // The last occurrence of a SKU wins; sorted so concurrent upserts lock rows in the same order.
        var valid = new SortedDictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            try
            {
                var sku = InventoryValidation.Sku(entry.Sku);
                if (entry.Description is { Length: > MaxDescriptionLength } || entry.UnitOfMeasure is { Length: > MaxUnitLength })
                {
                    throw new InventoryException(InventoryErrors.InvalidItem, $"description is at most {MaxDescriptionLength} characters, unit of measure at most {MaxUnitLength}.");
                }

                valid[sku] = entry with { Sku = sku };
            }
            catch (InventoryException ex)
            {
                rejected.Add((entry.Sku ?? string.Empty, ex.Code, ex.Message));
            }
        }

        var created = 0;
        var updated = 0;
        if (valid.Count > 0)
        {
            var items = valid.Values.ToList();
            await using var upsert = database.CreateCommand(
                """
                INSERT INTO items (sku, description, unit_of_measure, blocked, source, source_modified_at)
                SELECT sku, nullif(description, ''), nullif(unit, ''), blocked, @source, modified_at
                FROM unnest(@skus, @descriptions, @units, @blocked, @modified) AS i (sku, description, unit, blocked, modified_at)
                ON CONFLICT (sku) DO UPDATE SET
                    description = excluded.description, unit_of_measure = excluded.unit_of_measure, blocked = excluded.blocked,
                    source = excluded.source, source_modified_at = coalesce(excluded.source_modified_at, items.source_modified_at), updated_at = now()
                WHERE (items.source_modified_at IS NULL OR excluded.source_modified_at IS NULL OR excluded.source_modified_at >= items.source_modified_at)
                  AND (items.description, items.unit_of_measure, items.blocked, items.source, items.source_modified_at)
                      IS DISTINCT FROM (excluded.description, excluded.unit_of_measure, excluded.blocked, excluded.source,
                                        coalesce(excluded.source_modified_at, items.source_modified_at))
                RETURNING xmax = 0
                """);
            upsert.Parameters.AddWithValue("source", origin);
            upsert.Parameters.AddWithValue("skus", items.Select(i => i.Sku).ToArray());
            upsert.Parameters.AddWithValue("descriptions", items.Select(i => i.Description ?? string.Empty).ToArray());
            upsert.Parameters.AddWithValue("units", items.Select(i => i.UnitOfMeasure ?? string.Empty).ToArray());
            upsert.Parameters.AddWithValue("blocked", items.Select(i => i.Blocked).ToArray());
            upsert.Parameters.Add(new NpgsqlParameter("modified", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
            {
                Value = items.Select(i => i.ModifiedAt is { } at ? (object)at.ToUniversalTime() : DBNull.Value).ToArray(),
            });
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(0))
                {
                    created++;
                }
                else
                {
                    updated++;
                }
            }
        }

        var result = new CatalogUpsert(created, updated, valid.Count - created - updated, rejected);
        Record(origin, "created", result.Created);
        Record(origin, "updated", result.Updated);
        Record(origin, "unchanged", result.Unchanged);
        Record(origin, "rejected", result.Rejected.Count);
        activity?.SetTag("inventory.items", entries.Count);
        return result;
    }

    private void Record(string source, string outcome, int count)
    {
        if (count > 0)
        {
            telemetry.ItemsUpserted.Add(count, new("source", source), new("outcome", outcome));
        }
    }
}
