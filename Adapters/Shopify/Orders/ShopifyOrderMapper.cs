using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.Adapters.Shopify.Orders;

/// <summary>
/// Maps a Shopify order (the body of every orders/* webhook) to a canonical <see cref="SubmitOrderRequest"/>.
/// Pure: the SKU map comes in as a <see cref="SkuCatalog"/>. The first field that cannot be mapped decides the
/// code, so the same payload always lands on the exceptions list the same way. docs/adapters-shopify.md has the
/// field-by-field table.
/// </summary>
public static class ShopifyOrderMapper
{
    public static OrderMapping Map(JsonElement order, string partnerId, SkuCatalog catalog)
    {
        try
        {
            return OrderMapping.Success(Build(order, partnerId, catalog));
        }
        catch (MappingFailure failure)
        {
            return OrderMapping.Failure(failure.Code, failure.Message);
        }
    }

    /// <summary>The SKUs and variant ids an order names, to load the part of the SKU map it needs.</summary>
    public static (List<string> Skus, List<long> VariantIds) ReferencedItems(JsonElement order)
    {
        var skus = new List<string>();
        var variants = new List<long>();
        foreach (var item in ShopifyJson.Array(order, "line_items"))
        {
            if (ShopifyJson.GetString(item, "sku") is { } sku)
            {
                skus.Add(sku);
            }

            if (ShopifyJson.TryGetId(item, "variant_id", out var variant))
            {
                variants.Add(variant);
            }
        }

        return (skus, variants);
    }

    private static SubmitOrderRequest Build(JsonElement order, string partnerId, SkuCatalog catalog)
    {
        if (order.ValueKind != JsonValueKind.Object || !ShopifyJson.TryGetId(order, "id", out var orderId))
        {
            throw new MappingFailure(ShopifyCodes.SchemaViolation, "The order has no numeric id.");
        }

        var currency = ShopifyJson.GetString(order, "currency");
        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetter))
        {
            throw new MappingFailure(ShopifyCodes.InvalidCurrency, "currency must be a three-letter ISO 4217 code.");
        }

        currency = currency.ToUpperInvariant();
        if (!ShopifyJson.TryGetProperty(order, "line_items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new MappingFailure(ShopifyCodes.SchemaViolation, "line_items is missing or not an array.");
        }

        var taxesIncluded = ShopifyJson.GetBoolean(order, "taxes_included");
        var lines = new List<MappedLine>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (MapLine(item, index++, currency, taxesIncluded, catalog) is { } line)
            {
                lines.Add(line);
            }
        }

        if (lines.Count == 0)
        {
            throw new MappingFailure(ShopifyCodes.NoShippableLines, "The order has no line we ship (all gift cards or removed by edits).");
        }

        var duplicate = lines.GroupBy(l => l.Line.LineId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MappingFailure(ShopifyCodes.DuplicateLineId, $"Line item id {duplicate.Key} appears more than once.");
        }

        if (!taxesIncluded && !lines.Any(l => l.HasTaxLines))
        {
            AllocateOrderTax(order, lines, currency);
        }

        var request = new SubmitOrderRequest
        {
            Channel = ShopifyOptions.Channel,
            PartnerId = partnerId,
            ChannelOrderId = orderId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            CustomerReference = ShopifyJson.GetString(order, "name") ?? string.Empty,
            Currency = currency,
            ShipTo = Address(order),
            FulfillmentChannel = FulfillmentChannel.Merchant,
            PaymentStatus = ShopifyJson.GetString(order, "financial_status") ?? string.Empty,
        };
        request.Lines.AddRange(lines.Select(l => l.Line));
        return request;
    }

    private static MappedLine? MapLine(JsonElement item, int index, string currency, bool taxesIncluded, SkuCatalog catalog)
    {
        var at = $"line_items[{index}]";
        if (item.ValueKind != JsonValueKind.Object || !ShopifyJson.TryGetId(item, "id", out var lineId))
        {
            throw new MappingFailure(ShopifyCodes.SchemaViolation, $"{at} has no numeric id.");
        }

        if (ShopifyJson.GetBoolean(item, "gift_card"))
        {
            return null;
        }

        // current_quantity is what is left after order edits; older payloads only have quantity.
        var quantityField = ShopifyJson.TryGetProperty(item, "current_quantity", out _) ? "current_quantity" : "quantity";
        if (!ShopifyJson.TryGetInt32(item, quantityField, out var quantity) || quantity < 0)
        {
            throw new MappingFailure(ShopifyCodes.InvalidQuantity, $"{at}.{quantityField} must be a whole number of at least 0.");
        }

        if (quantity == 0)
        {
            return null;
        }

        var sku = ShopifyJson.GetString(item, "sku");
        if (sku is null && ShopifyJson.TryGetId(item, "variant_id", out var variant) && catalog.SkuByVariant.TryGetValue(variant, out var mapped))
        {
            sku = mapped;
        }

        if (sku is null)
        {
            throw new MappingFailure(ShopifyCodes.SkuMissing, $"{at} (line item {lineId}) has no SKU and its variant is not in the SKU map.");
        }

        if (!catalog.IsKnown(sku))
        {
            throw new MappingFailure(ShopifyCodes.UnknownSku, $"{at} (line item {lineId}) has SKU \"{Shorten(sku)}\", which is not in the SKU map.");
        }

        if (!ShopifyJson.TryGetProperty(item, "price", out var priceValue) || !ShopifyJson.TryGetMoney(priceValue, out var price) || price < 0)
        {
            throw new MappingFailure(ShopifyCodes.InvalidPrice, $"{at}.price must be a non-negative decimal string (\"19.99\").");
        }

        CheckCurrency(item, "price_set", currency, $"{at}.price_set");
        var discount = Discount(item, at);
        var hasTaxLines = false;
        var tax = 0m;
        foreach (var taxLine in ShopifyJson.Array(item, "tax_lines"))
        {
            hasTaxLines = true;
            tax += Amount(taxLine, "price", ShopifyCodes.InvalidTax, $"{at}.tax_lines[].price");
        }

        if (taxesIncluded)
        {
            // The price already holds the tax; the canonical line adds tax on top, so it must not be counted twice.
            tax = 0;
        }

        var line = new OrderLine
        {
            LineId = lineId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Sku = sku,
            Quantity = quantity,
            UnitPrice = MoneyAmount.ToMoney(price, currency),
            Discount = MoneyAmount.ToMoney(discount, currency),
            Tax = MoneyAmount.ToMoney(tax, currency),
        };
        return new MappedLine(line, quantity * price - discount, hasTaxLines);
    }

    /// <summary>discount_allocations (current API) when present, else the deprecated total_discount.</summary>
    private static decimal Discount(JsonElement item, string at)
    {
        var allocations = ShopifyJson.Array(item, "discount_allocations").ToList();
        if (allocations.Count > 0)
        {
            return allocations.Sum(a => Amount(a, "amount", ShopifyCodes.InvalidDiscount, $"{at}.discount_allocations[].amount"));
        }

        return ShopifyJson.TryGetProperty(item, "total_discount", out _)
            ? Amount(item, "total_discount", ShopifyCodes.InvalidDiscount, $"{at}.total_discount")
            : 0m;
    }

    /// <summary>
    /// Older payloads carry tax only on the order. The order's tax less the shipping lines' is spread over the lines
    /// by their net amount, in cents, the remainder on the last line, so the canonical totals match Shopify's.
    /// </summary>
    private static void AllocateOrderTax(JsonElement order, List<MappedLine> lines, string currency)
    {
        if (!ShopifyJson.TryGetProperty(order, "total_tax", out _))
        {
            return;
        }

        var orderTax = Amount(order, "total_tax", ShopifyCodes.InvalidTax, "total_tax");
        var shippingTax = ShopifyJson.Array(order, "shipping_lines")
            .SelectMany(s => ShopifyJson.Array(s, "tax_lines"))
            .Sum(t => Amount(t, "price", ShopifyCodes.InvalidTax, "shipping_lines[].tax_lines[].price"));
        var toAllocate = orderTax - shippingTax;
        if (toAllocate <= 0)
        {
            return;
        }

        var weight = lines.Sum(l => Math.Max(l.Net, 0));
        var remaining = toAllocate;
        for (var i = 0; i < lines.Count; i++)
        {
            var share = i == lines.Count - 1
                ? remaining
                : weight == 0 ? 0 : Math.Round(toAllocate * Math.Max(lines[i].Net, 0) / weight, 2, MidpointRounding.AwayFromZero);
            share = Math.Min(share, remaining);
            remaining -= share;
            lines[i].Line.Tax = MoneyAmount.ToMoney(share, currency);
        }
    }

    private static Address Address(JsonElement order)
    {
        if (!ShopifyJson.TryGetProperty(order, "shipping_address", out var address) || address.ValueKind != JsonValueKind.Object)
        {
            throw new MappingFailure(ShopifyCodes.AddressMissing, "The order has no shipping_address.");
        }

        var name = ShopifyJson.GetString(address, "name")
            ?? string.Join(' ', new[] { ShopifyJson.GetString(address, "first_name"), ShopifyJson.GetString(address, "last_name") }.OfType<string>());
        return new Address
        {
            Name = name,
            Line1 = ShopifyJson.GetString(address, "address1") ?? string.Empty,
            Line2 = ShopifyJson.GetString(address, "address2") ?? string.Empty,
            City = ShopifyJson.GetString(address, "city") ?? string.Empty,
            Region = ShopifyJson.GetString(address, "province_code") ?? ShopifyJson.GetString(address, "province") ?? string.Empty,
            PostalCode = ShopifyJson.GetString(address, "zip") ?? string.Empty,
            Country = ShopifyJson.GetString(address, "country_code")?.ToUpperInvariant() ?? string.Empty,
        };
    }

    private static void CheckCurrency(JsonElement item, string setName, string currency, string at)
    {
        if (ShopifyJson.TryGetProperty(item, setName, out var set)
            && ShopifyJson.TryGetProperty(set, "shop_money", out var shopMoney)
            && ShopifyJson.GetString(shopMoney, "currency_code") is { } code
            && !string.Equals(code, currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new MappingFailure(ShopifyCodes.CurrencyMismatch, $"{at}.shop_money is in \"{Shorten(code)}\" but the order is in {currency}.");
        }
    }

    private static decimal Amount(JsonElement element, string name, string code, string field)
    {
        if (!ShopifyJson.TryGetProperty(element, name, out var value) || !ShopifyJson.TryGetMoney(value, out var amount) || amount < 0)
        {
            throw new MappingFailure(code, $"{field} must be a non-negative decimal string (\"1.00\").");
        }

        return amount;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private sealed record MappedLine(OrderLine Line, decimal Net, bool HasTaxLines);

    private sealed class MappingFailure(string code, string message) : Exception(message)
    {
        public string Code { get; } = code;
    }
}
