using System.Text.Json.Serialization;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Queries;
using Distribution.Aspire.OrderService.Submitting;

namespace Distribution.Aspire.OrderService.Api.Json;

/// <summary>An order on the partner surface: v1 status strings, money as decimal strings, camelCase.</summary>
public sealed record OrderJson(
    Guid OrderId,
    string ChannelOrderId,
    string Status,
    string Channel,
    string? CustomerReference,
    string Currency,
    AddressJson ShipTo,
    IReadOnlyList<OrderLineJson> Lines,
    TotalsJson Totals,
    string FulfillmentChannel,
    DateTimeOffset? RequestedShipBy,
    int Priority,
    IReadOnlyList<StatusChangeJson> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version)
{
    /// <summary>Only on answers to a submission: created, unchanged or updated.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Outcome { get; init; }

    public static OrderJson From(Order order) => new(
        order.OrderId,
        order.ChannelOrderId,
        order.Status.ToWire(),
        order.Channel,
        order.CustomerReference,
        order.Currency,
        new AddressJson(order.ShipTo.Name, order.ShipTo.Line1, order.ShipTo.Line2, order.ShipTo.City, order.ShipTo.Region, order.ShipTo.PostalCode, order.ShipTo.Country),
        order.Lines.Select(l => new OrderLineJson(
            l.LineId, l.Sku, l.Quantity, MoneyAmount.Format(l.UnitPrice), MoneyAmount.Format(l.Discount), MoneyAmount.Format(l.Tax), MoneyAmount.Format(l.Total), l.ShippedQuantity)).ToList(),
        new TotalsJson(MoneyAmount.Format(order.Totals.Subtotal), MoneyAmount.Format(order.Totals.Discount), MoneyAmount.Format(order.Totals.Tax), MoneyAmount.Format(order.Totals.Total)),
        order.FulfillmentChannel,
        order.RequestedShipBy,
        order.Priority,
        order.History.Select(h => new StatusChangeJson(h.Status.ToWire(), h.At, h.Reason)).ToList(),
        order.CreatedAt,
        order.UpdatedAt,
        order.Version);

    public static OrderJson From(SubmitResult result) => From(result.Order) with { Outcome = result.Outcome.ToString().ToLowerInvariant() };
}

public sealed record AddressJson(string Name, string Line1, string? Line2, string City, string Region, string PostalCode, string Country);

public sealed record OrderLineJson(string LineId, string Sku, int Quantity, string UnitPrice, string Discount, string Tax, string Total, int ShippedQuantity);

public sealed record TotalsJson(string Subtotal, string Discount, string Tax, string Total);

public sealed record StatusChangeJson(string Status, DateTimeOffset At, string Reason);

public sealed record OrderListJson(IReadOnlyList<OrderJson> Orders, string? NextPageToken)
{
    public static OrderListJson From(OrderPage page) => new(page.Orders.Select(OrderJson.From).ToList(), page.NextPageToken);
}
