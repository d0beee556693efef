using System.Globalization;
using System.Text.Json;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>Renders a sandbox order in the Orders API v0 shape (PascalCase) and the 2026-01-01 shape (camelCase).</summary>
public static class OrderShapes
{
    /// <summary>v0 names its members in PascalCase; this keeps them as written.</summary>
    public static readonly JsonSerializerOptions V0Json = new() { PropertyNamingPolicy = null };

    public static object V0Order(SandboxOrder order) => new
    {
        order.AmazonOrderId,
        PurchaseDate = Iso(order.PurchaseDate),
        LastUpdateDate = Iso(order.LastUpdated),
        OrderStatus = order.Status,
        FulfillmentChannel = order.FulfilledByAmazon ? "AFN" : "MFN",
        SalesChannel = "Amazon.com",
        OrderTotal = V0Money(order.Items.Sum(i => (i.UnitPrice * i.Quantity) + i.Tax - i.Discount), order.Currency),
        NumberOfItemsShipped = order.Status == "Shipped" ? order.Items.Sum(i => i.Quantity) : 0,
        NumberOfItemsUnshipped = order.Status == "Shipped" ? 0 : order.Items.Sum(i => i.Quantity),
        PaymentMethod = "Other",
        order.MarketplaceId,
        ShipmentServiceLevelCategory = "Standard",
        OrderType = "StandardOrder",
        EarliestShipDate = Iso(order.PurchaseDate),
        LatestShipDate = Iso(order.PurchaseDate.AddDays(2)),
        IsBusinessOrder = false,
        IsPrime = false,
        IsPremiumOrder = false,
        // Amazon gives no address while an order is pending.
        ShippingAddress = order.Status == "Pending" ? null : new
        {
            order.ShipTo.Name,
            AddressLine1 = order.ShipTo.Line1,
            order.ShipTo.City,
            StateOrRegion = order.ShipTo.Region,
            order.ShipTo.PostalCode,
            CountryCode = order.ShipTo.Country,
        },
    };

    public static object V0Items(SandboxOrder order) => new
    {
        order.AmazonOrderId,
        OrderItems = order.Items.Select(item => new
        {
            ASIN = "B0" + item.Sku.GetHashCode(StringComparison.Ordinal).ToString("X8", CultureInfo.InvariantCulture),
            item.OrderItemId,
            SellerSKU = item.Sku,
            Title = "Sandbox item " + item.Sku,
            QuantityOrdered = item.Quantity,
            QuantityShipped = order.Status == "Shipped" ? item.Quantity : 0,
            // v0's ItemPrice is the line's price: unit price × quantity.
            ItemPrice = V0Money(item.UnitPrice * item.Quantity, order.Currency),
            ItemTax = V0Money(item.Tax, order.Currency),
            PromotionDiscount = V0Money(item.Discount, order.Currency),
        }),
    };

    public static object Order2026(SandboxOrder order) => new
    {
        orderId = order.AmazonOrderId,
        createdTime = Iso(order.PurchaseDate),
        lastUpdatedTime = Iso(order.LastUpdated),
        salesChannel = new { channelName = "AMAZON", marketplaceId = order.MarketplaceId, marketplaceName = "Amazon.com" },
        recipient = order.Status == "Pending" ? null : new
        {
            deliveryAddress = new
            {
                name = order.ShipTo.Name,
                addressLine1 = order.ShipTo.Line1,
                city = order.ShipTo.City,
                stateOrRegion = order.ShipTo.Region,
                postalCode = order.ShipTo.PostalCode,
                countryCode = order.ShipTo.Country,
            },
        },
        fulfillment = new
        {
            fulfillmentStatus = order.Status switch
            {
                "Pending" => "PENDING",
                "PartiallyShipped" => "PARTIALLY_SHIPPED",
                "Shipped" => "SHIPPED",
                "Canceled" => "CANCELLED",
                _ => "UNSHIPPED",
            },
            fulfilledBy = order.FulfilledByAmazon ? "AMAZON" : "MERCHANT",
            shipByWindow = new { earliestDateTime = Iso(order.PurchaseDate), latestDateTime = Iso(order.PurchaseDate.AddDays(2)) },
        },
        orderItems = order.Items.Select(item => new
        {
            orderItemId = item.OrderItemId,
            quantityOrdered = item.Quantity,
            product = new { sellerSku = item.Sku, price = new { unitPrice = Money2026(item.UnitPrice, order.Currency) } },
            proceeds = new
            {
                proceedsTotal = Money2026((item.UnitPrice * item.Quantity) + item.Tax - item.Discount, order.Currency),
                breakdowns = new[]
                {
                    new { type = "ITEM", subtotal = Money2026(item.UnitPrice * item.Quantity, order.Currency) },
                    new { type = "TAX", subtotal = Money2026(item.Tax, order.Currency) },
                    new { type = "DISCOUNT", subtotal = Money2026(-item.Discount, order.Currency) },
                },
            },
            fulfillment = new
            {
                quantityFulfilled = order.Status == "Shipped" ? item.Quantity : 0,
                quantityUnfulfilled = order.Status == "Shipped" ? 0 : item.Quantity,
            },
        }),
    };

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static object V0Money(decimal amount, string currency) =>
        new { CurrencyCode = currency, Amount = amount.ToString("0.00", CultureInfo.InvariantCulture) };

    private static object Money2026(decimal amount, string currency) =>
        new { amount = amount.ToString("0.00", CultureInfo.InvariantCulture), currencyCode = currency };
}
