namespace Distribution.Aspire.Adapters.Amazon.Orders;

// Orders API 2026-01-01 shapes (models/orders-api-model/orders_2026-01-01.json), only the members the adapter reads.
public sealed record O26GetOrderResponse(O26Order? Order);

public sealed record O26SearchOrdersResponse(IReadOnlyList<O26Order>? Orders, O26Pagination? Pagination);

public sealed record O26Pagination(string? NextToken);

public sealed record O26Order(
    string? OrderId,
    DateTimeOffset? CreatedTime,
    DateTimeOffset? LastUpdatedTime,
    O26SalesChannel? SalesChannel,
    O26Recipient? Recipient,
    O26Fulfillment? Fulfillment,
    IReadOnlyList<O26OrderItem>? OrderItems);

public sealed record O26SalesChannel(string? ChannelName, string? MarketplaceId);

public sealed record O26Recipient(O26Address? DeliveryAddress);

public sealed record O26Address(
    string? Name,
    string? AddressLine1,
    string? AddressLine2,
    string? AddressLine3,
    string? City,
    string? StateOrRegion,
    string? PostalCode,
    string? CountryCode);

public sealed record O26Fulfillment(string? FulfillmentStatus, string? FulfilledBy, O26Window? ShipByWindow);

public sealed record O26Window(DateTimeOffset? EarliestDateTime, DateTimeOffset? LatestDateTime);

public sealed record O26OrderItem(string? OrderItemId, int QuantityOrdered, O26Product? Product, O26ItemProceeds? Proceeds);

public sealed record O26Product(string? SellerSku, O26Price? Price);

public sealed record O26Price(O26Money? UnitPrice);

public sealed record O26Money(string? Amount, string? CurrencyCode);

public sealed record O26ItemProceeds(O26Money? ProceedsTotal, IReadOnlyList<O26Breakdown>? Breakdowns);

public sealed record O26Breakdown(string? Type, O26Money? Subtotal, IReadOnlyList<O26DetailedBreakdown>? DetailedBreakdowns);

public sealed record O26DetailedBreakdown(string? Subtype, O26Money? Value);
