namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>The topics this adapter subscribes to (X-Shopify-Topic), grouped by how they are processed.</summary>
public static class WebhookTopics
{
    public const string OrdersCreate = "orders/create";
    public const string OrdersUpdated = "orders/updated";
    public const string OrdersCancelled = "orders/cancelled";
    public const string OrdersPaid = "orders/paid";
    public const string RefundsCreate = "refunds/create";
    public const string InventoryLevelsUpdate = "inventory_levels/update";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        OrdersCreate, OrdersUpdated, OrdersCancelled, OrdersPaid, RefundsCreate, InventoryLevelsUpdate,
    };

    /// <summary>Every orders/* body is the whole order as it is now, so all of them are processed alike.</summary>
    public static bool IsOrderFact(string topic) => topic.StartsWith("orders/", StringComparison.Ordinal);
}
