using System.Globalization;
using System.Net;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>Orders API v0: getOrder + getOrderItems (paged), getOrders for the backup poll. Retired on 2027-03-27.</summary>
public sealed class OrdersApiV0(SpApiClient client, IOptions<AmazonOptions> options) : IAmazonOrdersApi
{
    public string Version => AmazonOptions.OrdersV0;

    public async Task<AmazonOrder?> GetOrderAsync(string amazonOrderId, CancellationToken cancellationToken)
    {
        var id = Uri.EscapeDataString(amazonOrderId);
        V0Order? order;
        try
        {
            order = (await client.GetAsync<V0GetOrderResponse>(SpApiOperation.GetOrderV0, $"/orders/v0/orders/{id}", cancellationToken)).Payload;
        }
        catch (SpApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (order is null)
        {
            return null;
        }

        var items = new List<V0OrderItem>();
        string? next = null;
        do
        {
            var path = $"/orders/v0/orders/{id}/orderItems" + (next is null ? string.Empty : "?NextToken=" + Uri.EscapeDataString(next));
            var page = (await client.GetAsync<V0GetOrderItemsResponse>(SpApiOperation.GetOrderItemsV0, path, cancellationToken)).Payload;
            items.AddRange(page?.OrderItems ?? []);
            next = string.IsNullOrEmpty(page?.NextToken) ? null : page.NextToken;
        }
        while (next is not null);

        return ToAmazonOrder(order, items);
    }

    public async Task<AmazonOrdersPage> SearchUpdatedAsync(DateTimeOffset after, DateTimeOffset before, string? pageToken, CancellationToken cancellationToken)
    {
        var query = $"MarketplaceIds={Uri.EscapeDataString(options.Value.MarketplaceId)}"
            + $"&LastUpdatedAfter={Iso(after)}&LastUpdatedBefore={Iso(before)}&MaxResultsPerPage=100"
            + (pageToken is null ? string.Empty : "&NextToken=" + Uri.EscapeDataString(pageToken));
        var page = (await client.GetAsync<V0GetOrdersResponse>(SpApiOperation.GetOrdersV0, "/orders/v0/orders?" + query, cancellationToken)).Payload;
        var headers = (page?.Orders ?? [])
            .Where(order => order.AmazonOrderId is not null && order.LastUpdateDate is not null)
            .Select(order => new AmazonOrderHeader(order.AmazonOrderId!, order.LastUpdateDate!.Value))
            .ToList();
        return new AmazonOrdersPage(headers, string.IsNullOrEmpty(page?.NextToken) ? null : page.NextToken);
    }

    public static AmazonOrder ToAmazonOrder(V0Order order, IEnumerable<V0OrderItem> items)
    {
        var id = order.AmazonOrderId ?? throw Missing("AmazonOrderId");
        var address = order.ShippingAddress is { } a
            ? new AmazonAddress(a.Name, a.AddressLine1, JoinLines(a.AddressLine2, a.AddressLine3), a.City, a.StateOrRegion, a.PostalCode, a.CountryCode)
            : null;
        var lines = items.Select(item => new AmazonOrderLine(
            item.OrderItemId ?? throw Missing("OrderItemId"),
            item.SellerSKU,
            item.QuantityOrdered,
            UnitPrice: null,
            LinePrice: Money(item.ItemPrice),
            Tax: Money(item.ItemTax),
            Discount: Money(item.PromotionDiscount))).ToList();
        return new AmazonOrder(
            id,
            Status(order.OrderStatus),
            string.Equals(order.FulfillmentChannel, "AFN", StringComparison.Ordinal),
            order.MarketplaceId ?? string.Empty,
            order.LastUpdateDate ?? order.PurchaseDate ?? throw Missing("LastUpdateDate"),
            order.LatestShipDate,
            address,
            lines);
    }

    public static AmazonOrderStatus Status(string? status) => status switch
    {
        "Unshipped" => AmazonOrderStatus.Unshipped,
        "PartiallyShipped" => AmazonOrderStatus.PartiallyShipped,
        "Shipped" => AmazonOrderStatus.Shipped,
        "Canceled" => AmazonOrderStatus.Canceled,
        "Unfulfillable" => AmazonOrderStatus.Unfulfillable,
        // Pending, PendingAvailability, InvoiceUnconfirmed: not yet an order we may act on.
        _ => AmazonOrderStatus.Pending,
    };

    internal static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    internal static string? JoinLines(string? first, string? second) =>
        string.Join(", ", new[] { first, second }.Where(part => !string.IsNullOrWhiteSpace(part))) is { Length: > 0 } joined ? joined : null;

    private static AmazonMoney? Money(V0Money? money) => money is null ? null : new AmazonMoney(money.Amount, money.CurrencyCode);

    private static UnmappableOrderException Missing(string field) =>
        new(AmazonProblemCodes.MissingField, $"The order has no {field}.");
}
