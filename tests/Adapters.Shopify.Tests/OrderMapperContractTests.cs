using System.Text.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Adapters.Shopify.Orders;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Real Shopify bodies from ../shared/contracts mapped to canonical submissions, or refused with a stable code.</summary>
public sealed class OrderMapperContractTests
{
    private const string Partner = "shop-partner";

    [Fact]
    public void Python_api_order_fixture_maps_to_a_canonical_submission_with_order_tax_spread_over_the_lines()
    {
        using var fixture = SharedContracts.Document(SharedContracts.PythonOrder);

        var mapping = ShopifyOrderMapper.Map(fixture.RootElement.GetProperty("order"), Partner, SkuCatalog.Open);

        Assert.True(mapping.Succeeded, mapping.Reason);
        var request = mapping.Request!;
        Assert.Equal("shopify", request.Channel);
        Assert.Equal(Partner, request.PartnerId);
        Assert.Equal("450789469", request.ChannelOrderId);
        Assert.Equal("#1001", request.CustomerReference);
        Assert.Equal("USD", request.Currency);
        Assert.Equal("authorized", request.PaymentStatus);
        Assert.Equal(FulfillmentChannel.Merchant, request.FulfillmentChannel);
        Assert.Equal(
            [("466157049", "IPOD2008GREEN", 1), ("518995019", "IPOD2008RED", 1), ("703073504", "IPOD2008BLACK", 1)],
            request.Lines.Select(l => (l.LineId, l.Sku, l.Quantity)));
        Assert.All(request.Lines, l => Assert.Equal(("199.00", "USD", "0.00"), (l.UnitPrice.Amount, l.UnitPrice.Currency, l.Discount.Amount)));
        // total_tax 11.94 on the order, none on the lines: 3.98 each, as the refund fixture of the same order shows per line.
        Assert.Equal(["3.98", "3.98", "3.98"], request.Lines.Select(l => l.Tax.Amount));
        Assert.Equal(
            new Contracts.Common.V1.Address { Name = "Bob Norman", Line1 = "Chestnut Street 92", Line2 = "", City = "Louisville", Region = "KY", PostalCode = "40202", Country = "US" },
            request.ShipTo);
    }

    [Fact]
    public void Laravel_test_notification_keeps_64_bit_ids_exact_and_takes_line_discounts_from_total_discount()
    {
        using var body = SharedContracts.Document(SharedContracts.LaravelWebhook);

        var mapping = ShopifyOrderMapper.Map(body.RootElement, Partner, SkuCatalog.Open);

        Assert.True(mapping.Succeeded, mapping.Reason);
        var request = mapping.Request!;
        Assert.Equal("820982911946154508", request.ChannelOrderId);
        Assert.Equal(["866550311766439020", "141249953214522974"], request.Lines.Select(l => l.LineId));
        Assert.Equal(["706405908216", "706405907431"], request.Lines.Select(l => l.Sku));
        Assert.Equal([("24.99", "0.00"), ("27.99", "5.00")], request.Lines.Select(l => (l.UnitPrice.Amount, l.Discount.Amount)));
        Assert.Equal("voided", request.PaymentStatus);
        Assert.Equal(("Steve Shipper", "123 Shipping Street", "Shippington", "KY", "K2P0S0", "US"),
            (request.ShipTo.Name, request.ShipTo.Line1, request.ShipTo.City, request.ShipTo.Region, request.ShipTo.PostalCode, request.ShipTo.Country));
        Assert.NotNull(OrderFact.TryRead(body.RootElement)?.CancelledAt);
    }

    [Fact]
    public void Gadget_exemplar_with_placeholder_values_is_refused_for_its_currency_first()
    {
        using var body = SharedContracts.Document(SharedContracts.GadgetOrder);

        var mapping = ShopifyOrderMapper.Map(body.RootElement, Partner, SkuCatalog.Open);

        Assert.Equal(ShopifyCodes.InvalidCurrency, mapping.Code);
    }

    [Fact]
    public void Gadget_exemplar_with_a_real_currency_is_refused_for_its_placeholder_price()
    {
        var order = SharedContracts.Json(SharedContracts.GadgetOrder);
        order["currency"] = "USD";

        var mapping = ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open);

        Assert.Equal(ShopifyCodes.InvalidPrice, mapping.Code);
        Assert.Contains("line_items[0].price", mapping.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Gadget_exemplar_with_valid_money_is_refused_for_its_repeated_line_ids()
    {
        var order = SharedContracts.Json(SharedContracts.GadgetOrder);
        order["currency"] = "USD";
        foreach (var line in order["line_items"]!.AsArray())
        {
            line!["price"] = "10.00";
            line["total_discount"] = "0.00";
            line["price_set"] = null;
        }

        var mapping = ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open);

        Assert.Equal(ShopifyCodes.DuplicateLineId, mapping.Code);
    }

    [Fact]
    public void Order_list_entries_without_line_items_are_schema_violations()
    {
        using var list = SharedContracts.Document(SharedContracts.PythonOrders);

        var codes = list.RootElement.GetProperty("orders").EnumerateArray().Select(o => ShopifyOrderMapper.Map(o, Partner, SkuCatalog.Open).Code).ToList();

        Assert.NotEmpty(codes);
        Assert.All(codes, code => Assert.Equal(ShopifyCodes.SchemaViolation, code));
    }

    [Fact]
    public void Sku_not_in_the_map_is_refused_when_the_map_is_required()
    {
        using var fixture = SharedContracts.Document(SharedContracts.PythonOrder);
        var catalog = new SkuCatalog(new Dictionary<long, string>(), new HashSet<string> { "IPOD2008GREEN", "IPOD2008RED" }, RequireKnown: true);

        var mapping = ShopifyOrderMapper.Map(fixture.RootElement.GetProperty("order"), Partner, catalog);

        Assert.Equal(ShopifyCodes.UnknownSku, mapping.Code);
        Assert.Contains("IPOD2008BLACK", mapping.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_without_sku_takes_the_sku_of_its_mapped_variant_and_is_refused_when_unmapped()
    {
        var order = SharedContracts.Json(SharedContracts.PythonOrder)["order"]!.AsObject();
        order["line_items"]![0]!["sku"] = "";
        var mapped = new SkuCatalog(new Dictionary<long, string> { [39072856] = "GREEN-FROM-MAP" }, new HashSet<string>(), RequireKnown: false);

        var withMap = ShopifyOrderMapper.Map(Element(order), Partner, mapped);
        var withoutMap = ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open);

        Assert.Equal("GREEN-FROM-MAP", withMap.Request!.Lines[0].Sku);
        Assert.Equal(ShopifyCodes.SkuMissing, withoutMap.Code);
    }

    [Fact]
    public void Tax_included_prices_are_not_taxed_twice()
    {
        var order = SharedContracts.Json(SharedContracts.PythonOrder)["order"]!.AsObject();
        order["taxes_included"] = true;
        order["line_items"]![0]!["tax_lines"] = new JsonArray(new JsonObject { ["price"] = "11.26", ["rate"] = 0.06, ["title"] = "VAT" });

        var mapping = ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open);

        Assert.All(mapping.Request!.Lines, l => Assert.Equal("0.00", l.Tax.Amount));
        Assert.Equal("199.00", mapping.Request.Lines[0].UnitPrice.Amount);
    }

    [Fact]
    public void Gift_cards_and_lines_removed_by_an_edit_are_left_out()
    {
        var order = SharedContracts.Json(SharedContracts.PythonOrder)["order"]!.AsObject();
        order["line_items"]![0]!["gift_card"] = true;
        order["line_items"]![1]!["current_quantity"] = 0;

        var mapping = ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open);

        Assert.Equal(["IPOD2008BLACK"], mapping.Request!.Lines.Select(l => l.Sku));
    }

    [Fact]
    public void Discount_allocations_win_over_the_deprecated_total_discount()
    {
        var order = SharedContracts.Json(SharedContracts.LaravelWebhook);
        order["line_items"]![1]!["discount_allocations"] = new JsonArray(
            new JsonObject { ["amount"] = "3.00", ["discount_application_index"] = 0 },
            new JsonObject { ["amount"] = "1.50", ["discount_application_index"] = 1 });

        var mapping = ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open);

        Assert.Equal("4.50", mapping.Request!.Lines[1].Discount.Amount);
    }

    [Fact]
    public void Order_without_a_shipping_address_is_refused()
    {
        var order = SharedContracts.Json(SharedContracts.LaravelWebhook);
        order.Remove("shipping_address");

        Assert.Equal(ShopifyCodes.AddressMissing, ShopifyOrderMapper.Map(Element(order), Partner, SkuCatalog.Open).Code);
    }

    private static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;
}
