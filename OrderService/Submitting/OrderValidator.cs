using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.OrderService.Domain;

namespace Distribution.Aspire.OrderService.Submitting;

/// <summary>
/// The rules a submission must pass before anything is stored. The first broken rule decides the code,
/// checked in a fixed order (identity, address, currency, limits, then line by line), so the same bad
/// request always gets the same answer.
/// </summary>
public static class OrderValidator
{
    public static ValidOrder Validate(OrderSubmission submission)
    {
        var channel = TextRules.Required(submission.Channel, "channel", OrderLimits.MaxIdLength, OrderCodes.ChannelRequired);
        var partnerId = TextRules.Required(submission.PartnerId, "partnerId", OrderLimits.MaxIdLength, OrderCodes.PartnerRequired);
        var channelOrderId = TextRules.Required(submission.ChannelOrderId, "channelOrderId", OrderLimits.MaxIdLength, OrderCodes.ChannelOrderIdRequired);
        var customerReference = TextRules.Optional(submission.CustomerReference, "customerReference", OrderLimits.MaxReferenceLength);
        var currency = Currency(submission.Currency, "currency")
            ?? throw OrderRejectedException.Invalid(OrderCodes.InvalidCurrency, "currency is required (ISO 4217, e.g. \"USD\").", "currency");
        var shipTo = Address(submission.ShipTo);

        var fulfillment = submission.FulfillmentChannel switch
        {
            null or "" => FulfillmentChannels.Merchant,
            FulfillmentChannels.Merchant or FulfillmentChannels.Marketplace => submission.FulfillmentChannel,
            _ => throw OrderRejectedException.Invalid(
                OrderCodes.InvalidFulfillmentChannel, "fulfillmentChannel must be \"merchant\" or \"marketplace\".", "fulfillmentChannel"),
        };

        var priority = submission.Priority ?? 0;
        if (priority is < 0 or > OrderLimits.MaxPriority)
        {
            throw OrderRejectedException.Invalid(OrderCodes.InvalidPriority, $"priority must be between 0 and {OrderLimits.MaxPriority}.", "priority");
        }

        var lines = Lines(submission.Lines, currency);
        var totals = OrderTotals.Of(lines);
        if (totals.Subtotal > OrderLimits.MaxAmount || totals.Total > OrderLimits.MaxAmount || totals.Tax > OrderLimits.MaxAmount)
        {
            throw OrderRejectedException.Invalid(OrderCodes.AmountOutOfRange, "The order's totals are beyond what an order may hold.", "lines");
        }

        // At PostgreSQL's precision, so the stored value compares equal to a resubmitted one.
        DateTimeOffset? shipBy = submission.RequestedShipBy is { } requested
            ? new DateTimeOffset(requested.UtcTicks - requested.UtcTicks % 10, TimeSpan.Zero)
            : null;
        return new ValidOrder(
            channel, partnerId, channelOrderId, customerReference, shipTo, currency, lines, totals, fulfillment, shipBy, priority,
            LinesHash(currency, fulfillment, lines), HeaderHash(customerReference, shipTo, shipBy, priority));
    }

    private static ShipTo Address(AddressInput? input)
    {
        if (input is null)
        {
            throw OrderRejectedException.Invalid(OrderCodes.AddressIncomplete, "shipTo is required.", "shipTo");
        }

        string Required(string? value, string name, int max) =>
            TextRules.Required(value, $"shipTo.{name}", max, OrderCodes.AddressIncomplete);

        var name = Required(input.Name, "name", OrderLimits.MaxNameLength);
        var line1 = Required(input.Line1, "line1", OrderLimits.MaxNameLength);
        var line2 = TextRules.Optional(input.Line2, "shipTo.line2", OrderLimits.MaxNameLength);
        var city = Required(input.City, "city", OrderLimits.MaxCityLength);
        var region = Required(input.Region, "region", OrderLimits.MaxCityLength);
        var postalCode = Required(input.PostalCode, "postalCode", OrderLimits.MaxPostalCodeLength);
        var country = Required(input.Country, "country", OrderLimits.MaxIdLength);
        if (country.Length != 2 || !country.All(char.IsAsciiLetter))
        {
            throw OrderRejectedException.Invalid(OrderCodes.InvalidCountry, "shipTo.country must be an ISO 3166-1 alpha-2 code (\"US\").", "shipTo.country");
        }

        return new ShipTo(name, line1, line2, city, region, postalCode, country.ToUpperInvariant());
    }

    private static List<OrderLine> Lines(IReadOnlyList<LineInput>? inputs, string currency)
    {
        if (inputs is null || inputs.Count == 0)
        {
            throw OrderRejectedException.Invalid(OrderCodes.LinesRequired, "An order needs at least one line.", "lines");
        }

        if (inputs.Count > OrderLimits.MaxLines)
        {
            throw OrderRejectedException.Invalid(
                OrderCodes.TooManyLines, $"An order may have at most {OrderLimits.MaxLines} lines; this one has {inputs.Count}.", "lines");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<OrderLine>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i] ?? throw OrderRejectedException.Invalid(OrderCodes.LineIdRequired, $"lines[{i}] is empty.", $"lines[{i}]");
            var at = $"lines[{i}]";
            var lineId = TextRules.Required(input.LineId, $"{at}.lineId", OrderLimits.MaxIdLength, OrderCodes.LineIdRequired);
            if (!seen.Add(lineId))
            {
                throw OrderRejectedException.Invalid(OrderCodes.DuplicateLineId, $"lineId \"{lineId}\" appears more than once.", $"{at}.lineId");
            }

            var sku = TextRules.Required(input.Sku, $"{at}.sku", OrderLimits.MaxIdLength, OrderCodes.SkuRequired);
            if (input.Quantity is not { } quantity || quantity <= 0 || quantity > OrderLimits.MaxQuantityPerLine)
            {
                throw OrderRejectedException.Invalid(
                    OrderCodes.InvalidQuantity, $"{at}.quantity must be a whole number from 1 to {OrderLimits.MaxQuantityPerLine}.", $"{at}.quantity");
            }

            var unitPrice = Amount(input.UnitPrice, currency, $"{at}.unitPrice", OrderCodes.InvalidPrice, required: true);
            var discount = Amount(input.Discount, currency, $"{at}.discount", OrderCodes.InvalidDiscount, required: false);
            var tax = Amount(input.Tax, currency, $"{at}.tax", OrderCodes.InvalidTax, required: false);
            var gross = quantity * unitPrice;
            if (gross > OrderLimits.MaxAmount)
            {
                throw OrderRejectedException.Invalid(OrderCodes.AmountOutOfRange, $"{at}: quantity × unitPrice is beyond what a line may hold.", at);
            }

            if (discount > gross)
            {
                throw OrderRejectedException.Invalid(OrderCodes.InvalidDiscount, $"{at}.discount is larger than the line's quantity × unitPrice.", $"{at}.discount");
            }

            lines.Add(new OrderLine(lineId, sku, (int)quantity, unitPrice, discount, tax, gross - discount + tax, 0));
        }

        return lines;
    }

    private static decimal Amount(MoneyInput? input, string orderCurrency, string field, string code, bool required)
    {
        if (input is null || string.IsNullOrEmpty(input.Amount))
        {
            return required
                ? throw OrderRejectedException.Invalid(code, $"{field} is required, as a decimal string (\"10.00\").", field)
                : 0m;
        }

        if (!MoneyAmount.TryParse(input.Amount, out var amount) || amount < 0 || amount > OrderLimits.MaxAmount)
        {
            throw OrderRejectedException.Invalid(
                code, $"{field} must be a non-negative decimal string with at most {MoneyAmount.MaxFractionDigits} fraction digits (\"10.00\").", field);
        }

        var currency = Currency(input.Currency, field + ".currency");
        if (currency is not null && currency != orderCurrency)
        {
            throw OrderRejectedException.Invalid(OrderCodes.CurrencyMismatch, $"{field} is in {currency} but the order is in {orderCurrency}.", field);
        }

        return amount;
    }

    /// <summary>Null when absent; upper-cased ISO 4217 code otherwise.</summary>
    private static string? Currency(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length != 3 || !value.All(char.IsAsciiLetter))
        {
            throw OrderRejectedException.Invalid(OrderCodes.InvalidCurrency, $"{field} must be a three-letter ISO 4217 code (\"USD\").", field);
        }

        return value.ToUpperInvariant();
    }

    private static byte[] LinesHash(string currency, string fulfillment, IEnumerable<OrderLine> lines)
    {
        var text = new StringBuilder();
        Append(text, currency);
        Append(text, fulfillment);
        foreach (var line in lines)
        {
            Append(text, line.LineId);
            Append(text, line.Sku);
            Append(text, line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Append(text, MoneyAmount.Format(line.UnitPrice));
            Append(text, MoneyAmount.Format(line.Discount));
            Append(text, MoneyAmount.Format(line.Tax));
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static byte[] HeaderHash(string? customerReference, ShipTo shipTo, DateTimeOffset? shipBy, int priority)
    {
        var text = new StringBuilder();
        Append(text, customerReference);
        Append(text, shipTo.Name);
        Append(text, shipTo.Line1);
        Append(text, shipTo.Line2);
        Append(text, shipTo.City);
        Append(text, shipTo.Region);
        Append(text, shipTo.PostalCode);
        Append(text, shipTo.Country);
        Append(text, shipBy?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(text, priority.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    // Length-prefixed, so no two different field lists can produce the same text.
    private static StringBuilder Append(StringBuilder text, string? value) =>
        value is null ? text.Append("-;") : text.Append(value.Length).Append(':').Append(value).Append(';');
}
