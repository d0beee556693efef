using System.Net;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>Orders API 2026-01-01: getOrder (items included) and searchOrders for the backup poll.</summary>
public sealed class OrdersApi20260101(SpApiClient client, IOptions<AmazonOptions> options) : IAmazonOrdersApi
{
    private const string IncludedData = "RECIPIENT,PROCEEDS,FULFILLMENT";

    public string Version => AmazonOptions.Orders20260101;

    public async Task<AmazonOrder?> GetOrderAsync(string amazonOrderId, CancellationToken cancellationToken)
    {
        var path = $"/orders/2026-01-01/orders/{Uri.EscapeDataString(amazonOrderId)}?includedData={IncludedData}";
        try
        {
            var response = await client.GetAsync<O26GetOrderResponse>(SpApiOperation.GetOrder, path, cancellationToken);
            return response.Order is null ? null : ToAmazonOrder(response.Order);
        }
        catch (SpApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<AmazonOrdersPage> SearchUpdatedAsync(DateTimeOffset after, DateTimeOffset before, string? pageToken, CancellationToken cancellationToken)
    {
        var query = $"marketplaceIds={Uri.EscapeDataString(options.Value.MarketplaceId)}"
            + $"&lastUpdatedAfter={OrdersApiV0.Iso(after)}&lastUpdatedBefore={OrdersApiV0.Iso(before)}&maxResultsPerPage=100"
            + (pageToken is null ? string.Empty : "&paginationToken=" + Uri.EscapeDataString(pageToken));
        var page = await client.GetAsync<O26SearchOrdersResponse>(SpApiOperation.SearchOrders, "/orders/2026-01-01/orders?" + query, cancellationToken);
        var headers = (page.Orders ?? [])
            .Where(order => order.OrderId is not null && order.LastUpdatedTime is not null)
            .Select(order => new AmazonOrderHeader(order.OrderId!, order.LastUpdatedTime!.Value))
            .ToList();
        return new AmazonOrdersPage(headers, string.IsNullOrEmpty(page.Pagination?.NextToken) ? null : page.Pagination.NextToken);
    }

    public static AmazonOrder ToAmazonOrder(O26Order order)
    {
        var id = order.OrderId ?? throw Missing("orderId");
        var address = order.Recipient?.DeliveryAddress is { } a
            ? new AmazonAddress(a.Name, a.AddressLine1, OrdersApiV0.JoinLines(a.AddressLine2, a.AddressLine3), a.City, a.StateOrRegion, a.PostalCode, a.CountryCode)
            : null;
        var lines = (order.OrderItems ?? []).Select(item => new AmazonOrderLine(
            item.OrderItemId ?? throw Missing("orderItemId"),
            item.Product?.SellerSku,
            item.QuantityOrdered,
            UnitPrice: Money(item.Product?.Price?.UnitPrice),
            LinePrice: null,
            Tax: Proceeds(item.Proceeds, "TAX"),
            Discount: Proceeds(item.Proceeds, "DISCOUNT"))).ToList();
        return new AmazonOrder(
            id,
            Status(order.Fulfillment?.FulfillmentStatus),
            string.Equals(order.Fulfillment?.FulfilledBy, "AMAZON", StringComparison.Ordinal),
            order.SalesChannel?.MarketplaceId ?? string.Empty,
            order.LastUpdatedTime ?? order.CreatedTime ?? throw Missing("lastUpdatedTime"),
            order.Fulfillment?.ShipByWindow?.LatestDateTime,
            address,
            lines);
    }

    public static AmazonOrderStatus Status(string? status) => status switch
    {
        "UNSHIPPED" => AmazonOrderStatus.Unshipped,
        "PARTIALLY_SHIPPED" => AmazonOrderStatus.PartiallyShipped,
        "SHIPPED" => AmazonOrderStatus.Shipped,
        "CANCELLED" => AmazonOrderStatus.Canceled,
        "UNFULFILLABLE" => AmazonOrderStatus.Unfulfillable,
        _ => AmazonOrderStatus.Pending,
    };

    /// <summary>
    /// The item's share of a proceeds category. TAX and DISCOUNT may be split by subtype; the ITEM part is the
    /// line's own (shipping tax and discounts stay out, as v0's ItemTax and PromotionDiscount do).
    /// </summary>
    private static AmazonMoney? Proceeds(O26ItemProceeds? proceeds, string type)
    {
        var breakdown = proceeds?.Breakdowns?.FirstOrDefault(b => string.Equals(b.Type, type, StringComparison.Ordinal));
        if (breakdown is null)
        {
            return null;
        }

        var item = breakdown.DetailedBreakdowns?.FirstOrDefault(d => string.Equals(d.Subtype, "ITEM", StringComparison.Ordinal));
        return Money(item?.Value ?? breakdown.Subtotal);
    }

    private static AmazonMoney? Money(O26Money? money) => money is null ? null : new AmazonMoney(money.Amount, money.CurrencyCode);

    private static UnmappableOrderException Missing(string field) =>
        new(AmazonProblemCodes.MissingField, $"The order has no {field}.");
}
