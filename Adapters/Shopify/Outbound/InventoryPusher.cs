using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>Sends a queued quantity to Shopify (REST <c>inventory_levels/set</c>) for the SKU's item and location.</summary>
public sealed class InventoryPusher(ShopifyAdminClient shopify, SkuMapStore skuMap, NpgsqlDataSource database, IOptions<ShopifyOptions> options)
{
    public async Task<OutboundResult> ExecuteAsync(LeasedCommand leased, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<SetInventoryCommand>(leased.Payload, OutboundQueue.Json)!;
        if (await skuMap.FindAsync(command.Sku, cancellationToken) is not { } entry)
        {
            return OutboundResult.Unmapped();
        }

        // Written before the call: Shopify's inventory_levels/update for this change can arrive before the call returns.
        await RecordPushAsync(command, entry, cancellationToken);
        await shopify.SetInventoryLevelAsync(entry.InventoryItemId, entry.LocationId, command.Quantity, cancellationToken);
        return OutboundResult.Done("set");
    }

    private async Task RecordPushAsync(SetInventoryCommand command, SkuMapEntry entry, CancellationToken cancellationToken)
    {
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "DELETE FROM inventory_pushes WHERE inventory_item_id = @item AND pushed_at < now() - @keep")
        {
            Parameters = { new("item", entry.InventoryItemId), new("keep", options.Value.EchoWindow * 2) },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "INSERT INTO inventory_pushes (inventory_item_id, location_id, sku, quantity) VALUES (@item, @location, @sku, @quantity)")
        {
            Parameters = { new("item", entry.InventoryItemId), new("location", entry.LocationId), new("sku", command.Sku), new("quantity", command.Quantity) },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
