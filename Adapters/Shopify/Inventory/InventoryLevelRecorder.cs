using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Webhooks;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.Inventory;

/// <summary>
/// Handles inventory_levels/update. Shopify sends one for every change of a level, including the ones we made:
/// a quantity we pushed to that item and location within the echo window is our own echo and ignored. Anything
/// else (a merchant's edit, Shopify's own decrement for a new order) is recorded as what Shopify now shows, so
/// drift is visible; our truth is not pushed back at once, because the order behind a decrement reaches the
/// inventory service a moment later and its availability event brings the right number.
/// </summary>
public sealed class InventoryLevelRecorder(ShopifyTelemetry telemetry, IOptions<ShopifyOptions> options)
{
    public async Task<ProcessingResult> ProcessAsync(DeliveryContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory.level", context.Delivery.Topic);
        var level = context.Body;
        if (!ShopifyJson.TryGetId(level, "inventory_item_id", out var item) || !ShopifyJson.TryGetId(level, "location_id", out var location))
        {
            return await context.ExceptionAsync(ExceptionStage.Mapping, ShopifyCodes.SchemaViolation,
                "The inventory level has no numeric inventory_item_id or location_id.", null, cancellationToken);
        }

        // An untracked item reports null: nothing to compare.
        if (!ShopifyJson.TryGetInt32(level, "available", out var available))
        {
            return ProcessingResult.Skipped("untracked");
        }

        await using (var echo = context.Command("""
            SELECT EXISTS (SELECT 1 FROM inventory_pushes
                           WHERE inventory_item_id = @item AND location_id = @location AND quantity = @available AND pushed_at > now() - @window)
            """))
        {
            echo.Parameters.AddWithValue("item", item);
            echo.Parameters.AddWithValue("location", location);
            echo.Parameters.AddWithValue("available", available);
            echo.Parameters.AddWithValue("window", options.Value.EchoWindow);
            if ((bool)(await echo.ExecuteScalarAsync(cancellationToken))!)
            {
                ShopifyTelemetry.Count(telemetry.InventoryEchoes, "outcome", "echo");
                return ProcessingResult.Skipped("echo");
            }
        }

        var reportedAt = ShopifyJson.TryGetTimestamp(level, "updated_at", out var at) ? at.ToUniversalTime() : context.Delivery.ReceivedAt;
        await using (var record = context.Command("""
            INSERT INTO channel_levels (inventory_item_id, location_id, available, reported_at) VALUES (@item, @location, @available, @at)
            ON CONFLICT (inventory_item_id, location_id) DO UPDATE SET available = excluded.available, reported_at = excluded.reported_at
            WHERE channel_levels.reported_at <= excluded.reported_at
            """))
        {
            record.Parameters.AddWithValue("item", item);
            record.Parameters.AddWithValue("location", location);
            record.Parameters.AddWithValue("available", available);
            record.Parameters.AddWithValue("at", reportedAt);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var mapped = context.Command("SELECT EXISTS (SELECT 1 FROM sku_map WHERE inventory_item_id = @item)");
        mapped.Parameters.AddWithValue("item", item);
        var outcome = (bool)(await mapped.ExecuteScalarAsync(cancellationToken))! ? "drift" : "unmapped";
        ShopifyTelemetry.Count(telemetry.InventoryEchoes, "outcome", outcome);
        return ProcessingResult.Processed(outcome);
    }
}
