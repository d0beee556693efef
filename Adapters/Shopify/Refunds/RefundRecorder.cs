using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Webhooks;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Refunds;

/// <summary>
/// Records a refunds/create delivery as a fact for settlements: the refund id, the order, the amount actually paid
/// back (successful refund transactions), whether stock was restocked, and the refunded lines. No canonical refund
/// contract exists yet, so nothing is published; the settlement work reads these rows or gets an event later.
/// </summary>
public sealed class RefundRecorder(ShopifyTelemetry telemetry)
{
    public async Task<ProcessingResult> ProcessAsync(DeliveryContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("refund.record", context.Delivery.Topic);
        var refund = context.Body;
        if (!ShopifyJson.TryGetId(refund, "id", out var refundId) || !ShopifyJson.TryGetId(refund, "order_id", out var orderId))
        {
            return await context.ExceptionAsync(ExceptionStage.Mapping, ShopifyCodes.SchemaViolation, "The refund has no numeric id or order_id.", null, cancellationToken);
        }

        decimal? amount = null;
        string? currency = null;
        foreach (var transaction in ShopifyJson.Array(refund, "transactions"))
        {
            if (ShopifyJson.GetString(transaction, "kind") != "refund" || (ShopifyJson.GetString(transaction, "status") is { } status && status != "success"))
            {
                continue;
            }

            if (!ShopifyJson.TryGetProperty(transaction, "amount", out var value) || !ShopifyJson.TryGetMoney(value, out var paid))
            {
                return await context.ExceptionAsync(ExceptionStage.Mapping, ShopifyCodes.InvalidMoney,
                    "A refund transaction's amount is not a decimal string.", orderId, cancellationToken);
            }

            var transactionCurrency = ShopifyJson.GetString(transaction, "currency");
            if (transactionCurrency is not { Length: 3 } || (currency is not null && currency != transactionCurrency))
            {
                return await context.ExceptionAsync(ExceptionStage.Mapping, ShopifyCodes.InvalidCurrency,
                    "A refund transaction has no ISO 4217 currency, or the transactions disagree.", orderId, cancellationToken);
            }

            currency = transactionCurrency;
            amount = (amount ?? 0) + paid;
        }

        var lines = ShopifyJson.Array(refund, "refund_line_items").Select(item => new
        {
            lineItemId = ShopifyJson.TryGetId(item, "line_item_id", out var line) ? line : (long?)null,
            sku = ShopifyJson.TryGetProperty(item, "line_item", out var lineItem) ? ShopifyJson.GetString(lineItem, "sku") : null,
            quantity = ShopifyJson.TryGetInt32(item, "quantity", out var quantity) ? quantity : (int?)null,
            restockType = ShopifyJson.GetString(item, "restock_type"),
        }).ToList();

        await using var insert = context.Command("""
            INSERT INTO shopify_refunds (shop_domain, refund_id, shopify_order_id, partner_id, amount, currency, restock, lines, refunded_at, delivery_id)
            VALUES (@shop, @refund, @order, @partner, @amount, @currency, @restock, @lines, @at, @delivery)
            ON CONFLICT (shop_domain, refund_id) DO NOTHING
            """);
        insert.Parameters.AddWithValue("shop", context.Delivery.ShopDomain);
        insert.Parameters.AddWithValue("refund", refundId);
        insert.Parameters.AddWithValue("order", orderId);
        insert.Parameters.AddWithValue("partner", context.Delivery.PartnerId);
        insert.Parameters.AddWithValue("amount", NpgsqlDbType.Numeric, (object?)amount ?? DBNull.Value);
        insert.Parameters.AddWithValue("currency", NpgsqlDbType.Text, (object?)currency?.ToUpperInvariant() ?? DBNull.Value);
        insert.Parameters.AddWithValue("restock", ShopifyJson.GetBoolean(refund, "restock") || lines.Any(l => l.restockType is "return" or "cancel"));
        insert.Parameters.AddWithValue("lines", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(lines));
        insert.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz,
            ShopifyJson.TryGetTimestamp(refund, "created_at", out var at) ? at.ToUniversalTime() : DBNull.Value);
        insert.Parameters.AddWithValue("delivery", context.Delivery.DeliveryId);
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1
            ? ProcessingResult.Processed("recorded")
            : ProcessingResult.Skipped("known_refund");
    }
}
