namespace Distribution.Aspire.Adapters.Shopify.Outbound;

// Wire shapes of the Shopify Admin REST API calls the adapter makes (snake_case on the wire).

public sealed record FulfillmentOrderLineItem(long Id, long LineItemId, int Quantity, int FulfillableQuantity);

public sealed record FulfillmentOrder(long Id, long OrderId, string Status, long? AssignedLocationId, IReadOnlyList<FulfillmentOrderLineItem> LineItems);

public sealed record FulfillmentOrdersEnvelope(IReadOnlyList<FulfillmentOrder> FulfillmentOrders);

public sealed record FulfillmentOrderLineQuantity(long Id, int Quantity);

public sealed record FulfillmentOrderLines(long FulfillmentOrderId, IReadOnlyList<FulfillmentOrderLineQuantity> FulfillmentOrderLineItems);

public sealed record TrackingInfo(string? Number, string? Company);

public sealed record FulfillmentCreate(IReadOnlyList<FulfillmentOrderLines> LineItemsByFulfillmentOrder, TrackingInfo TrackingInfo, bool NotifyCustomer);

public sealed record FulfillmentCreateBody(FulfillmentCreate Fulfillment);

public sealed record Fulfillment(long Id, long OrderId, string? Status, string? TrackingNumber, string? TrackingCompany);

public sealed record FulfillmentEnvelope(Fulfillment Fulfillment);

public sealed record FulfillmentsEnvelope(IReadOnlyList<Fulfillment> Fulfillments);

public sealed record ProductVariant(long Id, string? Sku, long InventoryItemId);

public sealed record Product(long Id, IReadOnlyList<ProductVariant> Variants);

public sealed record ProductsEnvelope(IReadOnlyList<Product> Products);

public sealed record Location(long Id, string? Name, bool Active);

public sealed record LocationsEnvelope(IReadOnlyList<Location> Locations);
