using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Sends a batch of queued quantities to Shopify in one GraphQL <c>inventorySetQuantities</c> call, for each SKU's
/// item and location. The outcome is per command: set, parked (SKU not in the map) or refused (Shopify's userError
/// for that item). A transient failure of the call is thrown, and the worker reschedules the whole batch.
/// </summary>
public sealed class InventoryPusher(ShopifyAdminClient shopify, SkuMapStore skuMap, NpgsqlDataSource database, IOptions<ShopifyOptions> options)
{
    public async Task<IReadOnlyList<OutboundResult>> ExecuteAsync(IReadOnlyList<LeasedCommand> batch, CancellationToken cancellationToken)
    {
        var commands = batch.Select(l => JsonSerializer.Deserialize<SetInventoryCommand>(l.Payload, OutboundQueue.Json)!).ToList();
        var entries = await skuMap.FindManyAsync([.. commands.Select(c => c.Sku).Distinct(StringComparer.Ordinal)], cancellationToken);
        var results = new OutboundResult[batch.Count];
        var pending = new List<(int Index, QuantityToSet Quantity)>();
        for (var i = 0; i < commands.Count; i++)
        {
            if (entries.TryGetValue(commands[i].Sku, out var entry))
            {
                pending.Add((i, new QuantityToSet(entry.InventoryItemId, entry.LocationId, commands[i].Quantity)));
            }
            else
            {
                results[i] = OutboundResult.Unmapped();
            }
        }

        if (pending.Count > 0)
        {
            // Written before the call: Shopify's inventory_levels/update for a change can arrive before the call returns.
            await RecordPushesAsync(pending.Select(p => (commands[p.Index].Sku, p.Quantity)), cancellationToken);
        }

        // Shopify sets nothing when any item is refused, so the refused items are taken out and the rest sent again.
        // Each round removes at least one item, or ends.
        while (pending.Count > 0)
        {
            var errors = await shopify.SetInventoryQuantitiesAsync([.. pending.Select(p => p.Quantity)], cancellationToken);
            if (errors.Count == 0)
            {
                foreach (var (index, _) in pending)
                {
                    results[index] = OutboundResult.Done("set");
                }

                break;
            }

            var refused = new Dictionary<int, string>();
            foreach (var error in errors)
            {
                if (QuantityIndex(error) is not { } position || position >= pending.Count)
                {
                    // Not about one item (the call as a whole): every item is refused with it.
                    refused.Clear();
                    for (var p = 0; p < pending.Count; p++)
                    {
                        refused[p] = Describe(error);
                    }

                    break;
                }

                refused[position] = refused.TryGetValue(position, out var earlier) ? earlier + "; " + Describe(error) : Describe(error);
            }

            foreach (var (position, reason) in refused)
            {
                results[pending[position].Index] = OutboundResult.Refused(ShopifyCodes.ShopifyRejected, reason);
            }

            pending = [.. pending.Where((_, position) => !refused.ContainsKey(position))];
        }

        return results;
    }

    /// <summary>The item a userError is about, from its field path <c>["input", "quantities", "3", ...]</c>.</summary>
    private static int? QuantityIndex(ShopifyUserError error) =>
        error.Field is [_, "quantities", var index, ..] && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : null;

    private static string Describe(ShopifyUserError error) =>
        $"Shopify refused the quantity ({error.Code ?? "userError"} at {string.Join('.', error.Field ?? [])}): {error.Message}";

    private async Task RecordPushesAsync(IEnumerable<(string Sku, QuantityToSet Quantity)> pushes, CancellationToken cancellationToken)
    {
        var list = pushes.ToList();
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "DELETE FROM inventory_pushes WHERE inventory_item_id = ANY(@items) AND pushed_at < now() - @keep")
        {
            Parameters = { new("items", list.Select(p => p.Quantity.InventoryItemId).ToArray()), new("keep", options.Value.EchoWindow * 2) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO inventory_pushes (inventory_item_id, location_id, sku, quantity)
            SELECT * FROM unnest(@items, @locations, @skus, @quantities)
            """)
        {
            Parameters =
            {
                new("items", list.Select(p => p.Quantity.InventoryItemId).ToArray()),
                new("locations", list.Select(p => p.Quantity.LocationId).ToArray()),
                new("skus", list.Select(p => p.Sku).ToArray()),
                new("quantities", list.Select(p => p.Quantity.Quantity).ToArray()),
            },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
