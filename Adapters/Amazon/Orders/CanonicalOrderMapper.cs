using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Orders.V1;
using Google.Protobuf.WellKnownTypes;

namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>
/// Amazon order → canonical SubmitOrder request: SKU = SellerSKU, line id = OrderItemId (so shipment
/// confirmations can name the items), prices with their currency, AFN → marketplace-fulfilled.
/// Anything missing or inconsistent is refused with a code, never guessed.
/// </summary>
public static class CanonicalOrderMapper
{
    public static SubmitOrderRequest ToSubmitRequest(AmazonOrder order, string partnerId)
    {
        var lines = order.Lines.Where(line => line.Quantity > 0).ToList();
        if (lines.Count == 0)
        {
            throw new UnmappableOrderException(AmazonProblemCodes.MissingField, $"Order {order.AmazonOrderId} has no items with a quantity.");
        }

        var currency = lines
            .SelectMany(line => new[] { line.UnitPrice, line.LinePrice, line.Tax, line.Discount })
            .Select(money => money?.Currency)
            .FirstOrDefault(code => !string.IsNullOrWhiteSpace(code))
            ?? throw new UnmappableOrderException(AmazonProblemCodes.MissingField, $"Order {order.AmazonOrderId} has no item price.");

        var request = new SubmitOrderRequest
        {
            Channel = AmazonTelemetry.Channel,
            PartnerId = partnerId,
            ChannelOrderId = order.AmazonOrderId,
            Currency = currency,
            ShipTo = Address(order),
            FulfillmentChannel = order.FulfilledByAmazon ? FulfillmentChannel.Marketplace : FulfillmentChannel.Merchant,
        };
        if (order.ShipBy is { } shipBy)
        {
            request.RequestedShipBy = Timestamp.FromDateTimeOffset(shipBy);
        }

        foreach (var line in lines)
        {
            request.Lines.Add(Line(order.AmazonOrderId, line, currency));
        }

        return request;
    }

    private static OrderLine Line(string orderId, AmazonOrderLine line, string currency)
    {
        if (string.IsNullOrWhiteSpace(line.Sku))
        {
            throw new UnmappableOrderException(AmazonProblemCodes.MissingField, $"Order {orderId} item {line.OrderItemId} has no SellerSKU.");
        }

        var unitPrice = line.UnitPrice is not null
            ? Amount(orderId, line, line.UnitPrice, currency, "unit price")
            : line.LinePrice is not null
                // v0's ItemPrice is for the whole line; the canonical order wants the unit price.
                ? Math.Round(Amount(orderId, line, line.LinePrice, currency, "ItemPrice") / line.Quantity, MoneyAmount.MaxFractionDigits, MidpointRounding.ToEven)
                : throw new UnmappableOrderException(AmazonProblemCodes.MissingField, $"Order {orderId} item {line.OrderItemId} has no price.");

        var result = new OrderLine
        {
            LineId = line.OrderItemId,
            Sku = line.Sku,
            Quantity = line.Quantity,
            UnitPrice = MoneyAmount.ToMoney(unitPrice, currency),
        };
        if (line.Tax is not null)
        {
            result.Tax = MoneyAmount.ToMoney(Amount(orderId, line, line.Tax, currency, "tax"), currency);
        }

        if (line.Discount is not null)
        {
            // Amazon reports discounts as positive amounts in v0 and as negative proceeds in 2026-01-01.
            result.Discount = MoneyAmount.ToMoney(Math.Abs(Amount(orderId, line, line.Discount, currency, "discount")), currency);
        }

        return result;
    }

    private static decimal Amount(string orderId, AmazonOrderLine line, AmazonMoney money, string currency, string what)
    {
        if (!string.Equals(money.Currency, currency, StringComparison.Ordinal))
        {
            throw new UnmappableOrderException(
                AmazonProblemCodes.CurrencyMismatch, $"Order {orderId} item {line.OrderItemId}: {what} is in {money.Currency}, the order in {currency}.");
        }

        return MoneyAmount.TryParse(money.Amount, out var amount)
            ? amount
            : throw new UnmappableOrderException(AmazonProblemCodes.InvalidAmount, $"Order {orderId} item {line.OrderItemId}: {what} \"{money.Amount}\" is not an amount.");
    }

    private static Address Address(AmazonOrder order)
    {
        var address = order.ShipTo
            ?? throw new UnmappableOrderException(AmazonProblemCodes.MissingField, $"Order {order.AmazonOrderId} has no shipping address.");

        string Required(string? value, string field) => string.IsNullOrWhiteSpace(value)
            ? throw new UnmappableOrderException(AmazonProblemCodes.MissingField, $"Order {order.AmazonOrderId}: the shipping address has no {field}.")
            : value.Trim();

        return new Address
        {
            Name = Required(address.Name, "Name"),
            Line1 = Required(address.Line1, "AddressLine1"),
            Line2 = address.Line2?.Trim() ?? string.Empty,
            City = Required(address.City, "City"),
            Region = Required(address.Region, "StateOrRegion"),
            PostalCode = Required(address.PostalCode, "PostalCode"),
            Country = Required(address.Country, "CountryCode"),
        };
    }
}
