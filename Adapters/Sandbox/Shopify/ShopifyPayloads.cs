using System.Globalization;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// Renders the shop's state in Shopify's JSON: the order (the body of orders/* webhooks, with the fields real
/// payloads carry: money as strings with *_set twins, discount_allocations, tax_lines, current_quantity, ids as
/// 64-bit numbers), fulfillment orders, inventory levels, refunds and products.
/// </summary>
public static class ShopifyPayloads
{
    public static JsonObject Order(ShopifyShop shop, SandboxOrder order)
    {
        var currency = shop.Options.Currency;
        var lines = shop.Snapshot(order);
        var subtotal = lines.Sum(l => l.Line.Product.Price * l.Line.Quantity);
        var discounts = lines.Sum(l => l.Line.Discount);
        var tax = lines.Sum(l => l.Line.Tax);
        var shipping = 5.00m;
        var lineItems = new JsonArray();
        foreach (var (line, fulfilled) in lines)
        {
            lineItems.Add(new JsonObject
            {
                ["id"] = line.Id,
                ["admin_graphql_api_id"] = $"gid://shopify/LineItem/{line.Id}",
                ["product_id"] = line.Product.ProductId,
                ["variant_id"] = line.Product.VariantId,
                ["sku"] = line.Product.Sku,
                ["title"] = $"Product {line.Product.Sku}",
                ["name"] = $"Product {line.Product.Sku}",
                ["variant_title"] = null,
                ["vendor"] = "Distribution Sandbox",
                ["quantity"] = line.Quantity,
                ["current_quantity"] = order.CancelledAt is null ? line.Quantity : 0,
                ["fulfillable_quantity"] = order.CancelledAt is null ? line.Quantity - fulfilled : 0,
                ["fulfillment_status"] = fulfilled == 0 ? null : fulfilled == line.Quantity ? "fulfilled" : "partial",
                ["fulfillment_service"] = "manual",
                ["price"] = Money(line.Product.Price),
                ["price_set"] = MoneySet(line.Product.Price, currency),
                ["total_discount"] = Money(0),
                ["total_discount_set"] = MoneySet(0, currency),
                ["discount_allocations"] = line.Discount == 0 ? new JsonArray() : new JsonArray(new JsonObject
                {
                    ["amount"] = Money(line.Discount),
                    ["amount_set"] = MoneySet(line.Discount, currency),
                    ["discount_application_index"] = 0,
                }),
                ["tax_lines"] = new JsonArray(new JsonObject
                {
                    ["title"] = "State Tax",
                    ["rate"] = 0.06,
                    ["price"] = Money(line.Tax),
                    ["price_set"] = MoneySet(line.Tax, currency),
                    ["channel_liable"] = false,
                }),
                ["taxable"] = true,
                ["requires_shipping"] = true,
                ["gift_card"] = false,
                ["grams"] = 250,
                ["product_exists"] = true,
                ["properties"] = new JsonArray(),
                ["duties"] = new JsonArray(),
            });
        }

        var total = subtotal - discounts + tax + shipping;
        return new JsonObject
        {
            ["id"] = order.Id,
            ["admin_graphql_api_id"] = $"gid://shopify/Order/{order.Id}",
            ["name"] = order.Name,
            ["number"] = order.Number - 1000,
            ["order_number"] = order.Number,
            ["email"] = order.Email,
            ["contact_email"] = order.Email,
            ["created_at"] = Timestamp(order.CreatedAt),
            ["updated_at"] = Timestamp(order.UpdatedAt),
            ["processed_at"] = Timestamp(order.CreatedAt),
            ["cancelled_at"] = order.CancelledAt is { } cancelled ? Timestamp(cancelled) : null,
            ["cancel_reason"] = order.CancelReason,
            ["closed_at"] = null,
            ["confirmed"] = true,
            ["test"] = true,
            ["currency"] = currency,
            ["presentment_currency"] = currency,
            ["financial_status"] = order.FinancialStatus,
            ["fulfillment_status"] = null,
            ["taxes_included"] = false,
            ["tax_exempt"] = false,
            ["source_name"] = "web",
            ["subtotal_price"] = Money(subtotal - discounts),
            ["subtotal_price_set"] = MoneySet(subtotal - discounts, currency),
            ["total_line_items_price"] = Money(subtotal),
            ["total_line_items_price_set"] = MoneySet(subtotal, currency),
            ["total_discounts"] = Money(discounts),
            ["total_discounts_set"] = MoneySet(discounts, currency),
            ["total_tax"] = Money(tax),
            ["total_tax_set"] = MoneySet(tax, currency),
            ["total_price"] = Money(total),
            ["total_price_set"] = MoneySet(total, currency),
            ["total_shipping_price_set"] = MoneySet(shipping, currency),
            ["discount_codes"] = discounts == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["code"] = "SANDBOX10", ["amount"] = Money(discounts), ["type"] = "percentage" }),
            ["discount_applications"] = new JsonArray(),
            ["tax_lines"] = new JsonArray(new JsonObject { ["title"] = "State Tax", ["rate"] = 0.06, ["price"] = Money(tax), ["price_set"] = MoneySet(tax, currency) }),
            ["line_items"] = lineItems,
            ["shipping_lines"] = new JsonArray(new JsonObject
            {
                ["id"] = order.Id + 1,
                ["title"] = "Standard",
                ["code"] = "STANDARD",
                ["source"] = "shopify",
                ["price"] = Money(shipping),
                ["price_set"] = MoneySet(shipping, currency),
                ["tax_lines"] = new JsonArray(),
            }),
            ["shipping_address"] = Address(order.ShipTo),
            ["billing_address"] = Address(order.ShipTo),
            ["customer"] = new JsonObject
            {
                ["id"] = order.CustomerId,
                ["email"] = order.Email,
                ["first_name"] = order.ShipTo.FirstName,
                ["last_name"] = order.ShipTo.LastName,
                ["currency"] = currency,
            },
            ["fulfillments"] = new JsonArray(),
            ["refunds"] = new JsonArray(),
            ["note"] = null,
            ["note_attributes"] = new JsonArray(),
            ["tags"] = "sandbox",
        };
    }

    public static JsonObject FulfillmentOrders(ShopifyShop shop, SandboxOrder order)
    {
        var lines = shop.Snapshot(order);
        var open = lines.Any(l => l.Line.Quantity > l.Fulfilled);
        var status = order.CancelledAt is not null ? "cancelled" : !open ? "closed" : order.FulfillmentHold ?? (lines.Any(l => l.Fulfilled > 0) ? "in_progress" : "open");
        return new JsonObject
        {
            ["fulfillment_orders"] = new JsonArray(new JsonObject
            {
                ["id"] = order.FulfillmentOrderId,
                ["order_id"] = order.Id,
                ["shop_id"] = 1,
                ["assigned_location_id"] = shop.LocationId,
                ["status"] = status,
                ["request_status"] = "unsubmitted",
                ["line_items"] = new JsonArray([.. lines.Select(l => (JsonNode)new JsonObject
                {
                    ["id"] = l.Line.FulfillmentLineId,
                    ["fulfillment_order_id"] = order.FulfillmentOrderId,
                    ["line_item_id"] = l.Line.Id,
                    ["inventory_item_id"] = l.Line.Product.InventoryItemId,
                    ["variant_id"] = l.Line.Product.VariantId,
                    ["quantity"] = l.Line.Quantity,
                    ["fulfillable_quantity"] = order.CancelledAt is null ? l.Line.Quantity - l.Fulfilled : 0,
                })]),
            }),
        };
    }

    public static JsonObject Fulfillment(SandboxFulfillment fulfillment) => new() { ["fulfillment"] = FulfillmentBody(fulfillment) };

    public static JsonObject Fulfillments(IEnumerable<SandboxFulfillment> fulfillments) => new()
    {
        ["fulfillments"] = new JsonArray([.. fulfillments.Select(f => (JsonNode)FulfillmentBody(f))]),
    };

    private static JsonObject FulfillmentBody(SandboxFulfillment fulfillment) => new()
    {
        ["id"] = fulfillment.Id,
        ["order_id"] = fulfillment.OrderId,
        ["status"] = "success",
        ["created_at"] = Timestamp(fulfillment.CreatedAt),
        ["tracking_number"] = fulfillment.TrackingNumber,
        ["tracking_company"] = fulfillment.TrackingCompany,
        ["line_items"] = new JsonArray([.. fulfillment.Lines.Select(l => (JsonNode)new JsonObject { ["id"] = l.LineItemId, ["sku"] = l.Sku, ["quantity"] = l.Quantity })]),
    };

    public static JsonObject InventoryLevel(long inventoryItemId, long locationId, int? available, DateTimeOffset at) => new()
    {
        ["inventory_item_id"] = inventoryItemId,
        ["location_id"] = locationId,
        ["available"] = available,
        ["updated_at"] = Timestamp(at),
        ["admin_graphql_api_id"] = $"gid://shopify/InventoryLevel/{inventoryItemId}?inventory_item_id={inventoryItemId}",
    };

    public static JsonObject Refund(ShopifyShop shop, SandboxOrder order, SandboxRefund refund)
    {
        var currency = shop.Options.Currency;
        return new JsonObject
        {
            ["id"] = refund.Id,
            ["order_id"] = order.Id,
            ["created_at"] = Timestamp(refund.CreatedAt),
            ["processed_at"] = Timestamp(refund.CreatedAt),
            ["note"] = "sandbox refund",
            ["restock"] = true,
            ["refund_line_items"] = new JsonArray([.. refund.Lines.Select(l =>
            {
                var line = order.Lines.First(x => x.Id == l.LineItemId);
                return (JsonNode)new JsonObject
                {
                    ["id"] = shop.NextId(),
                    ["line_item_id"] = l.LineItemId,
                    ["quantity"] = l.Quantity,
                    ["restock_type"] = "return",
                    ["location_id"] = shop.LocationId,
                    ["subtotal"] = line.Product.Price * l.Quantity,
                    ["line_item"] = new JsonObject { ["id"] = line.Id, ["sku"] = line.Product.Sku, ["price"] = Money(line.Product.Price), ["quantity"] = line.Quantity },
                };
            })]),
            ["transactions"] = new JsonArray(new JsonObject
            {
                ["id"] = shop.NextId(),
                ["order_id"] = order.Id,
                ["kind"] = "refund",
                ["status"] = "success",
                ["amount"] = Money(refund.Amount),
                ["currency"] = currency,
                ["gateway"] = "bogus",
                ["created_at"] = Timestamp(refund.CreatedAt),
            }),
            ["order_adjustments"] = new JsonArray(),
            ["refund_shipping_lines"] = new JsonArray(),
        };
    }

    public static JsonObject Products(IEnumerable<SandboxProduct> products) => new()
    {
        ["products"] = new JsonArray([.. products.Select(p => (JsonNode)new JsonObject
        {
            ["id"] = p.ProductId,
            ["title"] = $"Product {p.Sku}",
            ["variants"] = new JsonArray(new JsonObject
            {
                ["id"] = p.VariantId,
                ["product_id"] = p.ProductId,
                ["sku"] = p.Sku,
                ["price"] = Money(p.Price),
                ["inventory_item_id"] = p.InventoryItemId,
                ["inventory_management"] = "shopify",
            }),
        })]),
    };

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static JsonObject MoneySet(decimal amount, string currency) => new()
    {
        ["shop_money"] = new JsonObject { ["amount"] = Money(amount), ["currency_code"] = currency },
        ["presentment_money"] = new JsonObject { ["amount"] = Money(amount), ["currency_code"] = currency },
    };

    private static JsonObject Address(SandboxAddress address) => new()
    {
        ["first_name"] = address.FirstName,
        ["last_name"] = address.LastName,
        ["name"] = $"{address.FirstName} {address.LastName}",
        ["address1"] = address.Address1,
        ["address2"] = address.Address2,
        ["city"] = address.City,
        ["province"] = address.Province,
        ["province_code"] = address.ProvinceCode,
        ["zip"] = address.Zip,
        ["country"] = "United States",
        ["country_code"] = address.CountryCode,
        ["company"] = null,
        ["phone"] = null,
        ["latitude"] = null,
        ["longitude"] = null,
    };
}
