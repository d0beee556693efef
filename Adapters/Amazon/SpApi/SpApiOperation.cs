namespace Distribution.Aspire.Adapters.Amazon.SpApi;

/// <summary>An SP-API operation and its default usage plan (requests per second, burst), as published in the API models.</summary>
public sealed record SpApiOperation(string Name, double Rate, int Burst)
{
    public static readonly SpApiOperation GetOrdersV0 = new("orders.v0.getOrders", 0.0167, 20);
    public static readonly SpApiOperation GetOrderV0 = new("orders.v0.getOrder", 0.5, 30);
    public static readonly SpApiOperation GetOrderItemsV0 = new("orders.v0.getOrderItems", 0.5, 30);
    public static readonly SpApiOperation ConfirmShipmentV0 = new("orders.v0.confirmShipment", 2, 10);
    public static readonly SpApiOperation SearchOrders = new("orders.2026-01-01.searchOrders", 0.0056, 20);
    public static readonly SpApiOperation GetOrder = new("orders.2026-01-01.getOrder", 0.5, 30);
    public static readonly SpApiOperation PatchListingsItem = new("listings.patchListingsItem", 5, 5);
    public static readonly SpApiOperation CreateFeedDocument = new("feeds.createFeedDocument", 0.5, 15);
    public static readonly SpApiOperation CreateFeed = new("feeds.createFeed", 0.0083, 15);
    public static readonly SpApiOperation GetFeed = new("feeds.getFeed", 2, 15);
}
