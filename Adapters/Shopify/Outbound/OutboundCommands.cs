using Distribution.Aspire.Contracts.Events.Orders;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>Kinds of outbound command, as stored in <c>outbound_commands.kind</c>.</summary>
public static class OutboundKinds
{
    public const string SetInventory = "set_inventory";
    public const string CreateFulfillment = "create_fulfillment";
    public const string ForwardPayout = "forward_payout";
}

/// <summary>Tell Shopify the quantity of one SKU (the newest one wins while it waits).</summary>
public sealed record SetInventoryCommand(string Sku, int Quantity, long Sequence, DateTimeOffset? ChangedAt = null);

/// <summary>Create the Shopify fulfillment, with tracking, for one of our shipments of a Shopify order.</summary>
public sealed record CreateFulfillmentCommand(
    Guid OrderId,
    string PartnerId,
    string ShipmentId,
    long? ShopifyOrderId,
    IReadOnlyList<OrderedLine> Lines,
    string? Carrier,
    string? TrackingNumber);

/// <summary>A command the worker holds a lease on; <paramref name="ChangedAt"/> is the oldest availability change a quantity update carries.</summary>
public sealed record LeasedCommand(long CommandId, string Kind, string Payload, int Version, int Attempts, DateTimeOffset? ChangedAt = null);
