using System.Text.Json;

namespace Distribution.Aspire.Adapters.Shopify.Orders;

/// <summary>
/// What decides the order of facts about one Shopify order: its id, when Shopify last changed it
/// (<c>updated_at</c>, falling back to <c>created_at</c>) and whether it is cancelled.
/// </summary>
public sealed record OrderFact(long ShopifyOrderId, DateTimeOffset UpdatedAt, DateTimeOffset? CancelledAt, string? CancelReason, string? Name, string? FinancialStatus)
{
    public static OrderFact? TryRead(JsonElement order)
    {
        if (!ShopifyJson.TryGetId(order, "id", out var id))
        {
            return null;
        }

        if (!ShopifyJson.TryGetTimestamp(order, "updated_at", out var updatedAt) && !ShopifyJson.TryGetTimestamp(order, "created_at", out updatedAt))
        {
            return null;
        }

        DateTimeOffset? cancelledAt = ShopifyJson.TryGetTimestamp(order, "cancelled_at", out var cancelled) ? cancelled : null;
        return new OrderFact(id, updatedAt, cancelledAt, ShopifyJson.GetString(order, "cancel_reason"), ShopifyJson.GetString(order, "name"),
            ShopifyJson.GetString(order, "financial_status"));
    }
}
