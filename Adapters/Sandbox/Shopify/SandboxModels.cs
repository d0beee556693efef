namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

// The simulated shop's state. Mutable on purpose: ShopifyShop changes it under its lock only.

public sealed record SandboxProduct(long ProductId, long VariantId, long InventoryItemId, string Sku, decimal Price);

public sealed record SandboxAddress(string FirstName, string LastName, string Address1, string? Address2, string City, string Province, string ProvinceCode, string Zip, string CountryCode);

public sealed class SandboxLine(long id, long fulfillmentLineId, SandboxProduct product, int quantity, decimal discount, decimal tax)
{
    public long Id { get; } = id;

    public long FulfillmentLineId { get; } = fulfillmentLineId;

    public SandboxProduct Product { get; } = product;

    public int Quantity { get; } = quantity;

    public decimal Discount { get; } = discount;

    public decimal Tax { get; } = tax;

    public int Fulfilled { get; set; }
}

public sealed class SandboxOrder(long id, int number, long fulfillmentOrderId, long customerId, string email, SandboxAddress shipTo, IReadOnlyList<SandboxLine> lines, DateTimeOffset createdAt)
{
    public long Id { get; } = id;

    public int Number { get; } = number;

    public string Name => $"#{Number}";

    public long FulfillmentOrderId { get; } = fulfillmentOrderId;

    public long CustomerId { get; } = customerId;

    public string Email { get; } = email;

    public SandboxAddress ShipTo { get; } = shipTo;

    public IReadOnlyList<SandboxLine> Lines { get; } = lines;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset UpdatedAt { get; set; } = createdAt;

    public string FinancialStatus { get; set; } = "pending";

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelReason { get; set; }

    /// <summary><c>on_hold</c> or <c>scheduled</c> while the merchant (or an app) holds the fulfillment order; null otherwise.</summary>
    public string? FulfillmentHold { get; set; }

    public List<SandboxRefund> Refunds { get; } = [];
}

public sealed record SandboxRefund(long Id, long OrderId, DateTimeOffset CreatedAt, decimal Amount, IReadOnlyList<(long LineItemId, int Quantity)> Lines);

public sealed record SandboxFulfillment(long Id, long OrderId, string? TrackingNumber, string? TrackingCompany, IReadOnlyList<FulfilledLine> Lines, DateTimeOffset CreatedAt);

public sealed record FulfilledLine(long LineItemId, string Sku, int Quantity);

/// <summary>The quantity the shop was last told for a SKU (by inventory_levels/set or inventorySetQuantities), and how often it was told.</summary>
public sealed record ToldQuantity(string Sku, long InventoryItemId, long LocationId, int Available, DateTimeOffset LastToldAt, int TimesTold);
