namespace Distribution.Aspire.Adapters.Amazon.Orders;

// Orders API v0 shapes (models/orders-api-model/ordersV0.json), only the members the adapter reads.
public sealed record V0GetOrderResponse(V0Order? Payload);

public sealed record V0GetOrdersResponse(V0OrdersList? Payload);

public sealed record V0OrdersList(IReadOnlyList<V0Order>? Orders, string? NextToken);

public sealed record V0Order(
    string? AmazonOrderId,
    DateTimeOffset? PurchaseDate,
    DateTimeOffset? LastUpdateDate,
    string? OrderStatus,
    string? FulfillmentChannel,
    string? MarketplaceId,
    DateTimeOffset? LatestShipDate,
    V0Address? ShippingAddress);

public sealed record V0Address(
    string? Name,
    string? AddressLine1,
    string? AddressLine2,
    string? AddressLine3,
    string? City,
    string? StateOrRegion,
    string? PostalCode,
    string? CountryCode);

public sealed record V0Money(string? CurrencyCode, string? Amount);

public sealed record V0GetOrderItemsResponse(V0OrderItemsList? Payload);

public sealed record V0OrderItemsList(string? AmazonOrderId, IReadOnlyList<V0OrderItem>? OrderItems, string? NextToken);

public sealed record V0OrderItem(
    string? OrderItemId,
    string? SellerSKU,
    int QuantityOrdered,
    int? QuantityShipped,
    V0Money? ItemPrice,
    V0Money? ItemTax,
    V0Money? PromotionDiscount);
