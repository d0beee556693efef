namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>An order in the simulated seller account.</summary>
public sealed class SandboxOrder
{
    public required string AmazonOrderId { get; init; }

    public required bool FulfilledByAmazon { get; init; }

    public required string MarketplaceId { get; init; }

    public required string Currency { get; init; }

    public required DateTimeOffset PurchaseDate { get; init; }

    public required SandboxAddress ShipTo { get; init; }

    public required IReadOnlyList<SandboxOrderItem> Items { get; init; }

    /// <summary>v0 status names: Pending, Unshipped, PartiallyShipped, Shipped, Canceled.</summary>
    public string Status { get; set; } = "Unshipped";

    public DateTimeOffset LastUpdated { get; set; }
}

public sealed record SandboxOrderItem(string OrderItemId, string Sku, int Quantity, decimal UnitPrice, decimal Tax, decimal Discount);

public sealed record SandboxAddress(string Name, string Line1, string City, string Region, string PostalCode, string Country);
