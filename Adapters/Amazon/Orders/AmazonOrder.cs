namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>An Amazon order as either Orders API version describes it, before it is checked and mapped.</summary>
public sealed record AmazonOrder(
    string AmazonOrderId,
    AmazonOrderStatus Status,
    bool FulfilledByAmazon,
    string MarketplaceId,
    DateTimeOffset LastUpdated,
    DateTimeOffset? ShipBy,
    AmazonAddress? ShipTo,
    IReadOnlyList<AmazonOrderLine> Lines);

public sealed record AmazonAddress(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>
/// One order item. v0 gives the line's price (<see cref="LinePrice"/>: unit price × quantity), 2026-01-01 the
/// unit price; tax and discount are for the whole line in both.
/// </summary>
public sealed record AmazonOrderLine(
    string OrderItemId,
    string? Sku,
    int Quantity,
    AmazonMoney? UnitPrice,
    AmazonMoney? LinePrice,
    AmazonMoney? Tax,
    AmazonMoney? Discount);

public sealed record AmazonMoney(string? Amount, string? Currency);

public enum AmazonOrderStatus
{
    Pending,
    Unshipped,
    PartiallyShipped,
    Shipped,
    Canceled,
    Unfulfillable,
}

/// <summary>An order the search found: enough to decide whether it is new to us.</summary>
public sealed record AmazonOrderHeader(string AmazonOrderId, DateTimeOffset LastUpdated);

public sealed record AmazonOrdersPage(IReadOnlyList<AmazonOrderHeader> Orders, string? NextToken);
