using System.Text.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Adapters.Amazon.Notifications;
using Distribution.Aspire.Adapters.Amazon.Orders;
using Distribution.Aspire.Adapters.Amazon.Outbound;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Distribution.Aspire.Contracts.Orders.V1;
using Json.Schema;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>The adapter against Amazon's own published models, schemas and examples (../shared/contracts).</summary>
public sealed class ContractTests
{
    private const string OrdersV0Model = "models/orders-api-model/ordersV0.json";
    private const string Orders2026Model = "models/orders-api-model/orders_2026-01-01.json";

    private static JsonNode OrderChangeExample() =>
        SharedContracts.Json("schemas/notifications/OrderChangeNotification.json")["examples"]![0]!.DeepClone();

    [Fact]
    public void OrderChangeNotification_example_parses_bare()
    {
        using var document = JsonDocument.Parse(OrderChangeExample().ToJsonString());

        var read = OrderChangeNotification.Read(document.RootElement);

        Assert.NotNull(read.Notification);
        Assert.Equal("d0e9e693-c3ad-4373-979f-ed4ec98dd746", read.Notification.NotificationId);
        Assert.Equal("903-8868176-2219830", read.Notification.AmazonOrderId);
        Assert.Equal("Unshipped", read.Notification.OrderStatus);
        Assert.False(read.Notification.FromEventBridge);
    }

    [Fact]
    public void OrderChangeNotification_example_parses_inside_an_EventBridge_envelope()
    {
        var envelope = new JsonObject
        {
            ["version"] = "0",
            ["id"] = "3f1c5b4e-0000-0000-0000-000000000000",
            ["detail-type"] = "ORDER_CHANGE",
            ["source"] = "aws.partner/sellingpartnerapi.amazon/amzn1.sellerapps.app.example",
            ["time"] = "2020-01-11T00:09:53Z",
            ["detail"] = OrderChangeExample(),
        };
        using var document = JsonDocument.Parse(envelope.ToJsonString());

        var read = OrderChangeNotification.Read(document.RootElement);

        Assert.NotNull(read.Notification);
        Assert.Equal("d0e9e693-c3ad-4373-979f-ed4ec98dd746", read.Notification.NotificationId);
        Assert.Equal("903-8868176-2219830", read.Notification.AmazonOrderId);
        Assert.True(read.Notification.FromEventBridge);
    }

    [Fact]
    public void Another_notification_type_is_refused_with_its_code()
    {
        var example = OrderChangeExample();
        example["NotificationType"] = "ANY_OFFER_CHANGED";
        using var document = JsonDocument.Parse(example.ToJsonString());

        var read = OrderChangeNotification.Read(document.RootElement);

        Assert.Null(read.Notification);
        Assert.Equal(AmazonProblemCodes.UnsupportedNotificationType, read.Code);
    }

    [Fact]
    public void A_notification_without_its_id_fails_the_schema_and_is_refused()
    {
        var example = OrderChangeExample();
        example["NotificationMetadata"]!.AsObject().Remove("NotificationId");
        using var document = JsonDocument.Parse(example.ToJsonString());

        Assert.Equal(AmazonProblemCodes.InvalidNotification, OrderChangeNotification.Read(document.RootElement).Code);
    }

    [Fact]
    public void V0_getOrder_and_getOrderItems_examples_map_to_a_canonical_order()
    {
        var orders = SharedContracts.ResponseExamples(OrdersV0Model, "/orders/v0/orders/{orderId}", "get")
            .Select(example => SharedContracts.Deserialize<V0GetOrderResponse>(example).Payload!).ToList();
        var itemLists = SharedContracts.ResponseExamples(OrdersV0Model, "/orders/v0/orders/{orderId}/orderItems", "get")
            .Select(example => SharedContracts.Deserialize<V0GetOrderItemsResponse>(example).Payload!).ToList();
        Assert.Equal(3, orders.Count);
        Assert.Equal(2, itemLists.Count);

        // The sandbox static example: one item, ItemPrice 10.00 for quantity 1, tax 1.01.
        var items = itemLists.Single(list => list.AmazonOrderId == "902-1845936-5435065").OrderItems!;
        var order = OrdersApiV0.ToAmazonOrder(orders.First(o => o.AmazonOrderId == "902-3159896-1390916"), items);
        Assert.Equal(AmazonOrderStatus.Pending, order.Status);
        var request = CanonicalOrderMapper.ToSubmitRequest(order, "amazon-us");
        Assert.Equal("amazon", request.Channel);
        Assert.Equal("902-3159896-1390916", request.ChannelOrderId);
        Assert.Equal(FulfillmentChannel.Merchant, request.FulfillmentChannel);
        Assert.Equal("USD", request.Currency);
        Assert.Equal("Canton", request.ShipTo.City);
        Assert.Equal("MI", request.ShipTo.Region);
        var line = Assert.Single(request.Lines);
        Assert.Equal("NABetaASINB00551Q3CS", line.Sku);
        Assert.Equal("05015851154158", line.LineId);
        Assert.Equal("10.00", line.UnitPrice.Amount);
        Assert.Equal("1.01", line.Tax.Amount);
        Assert.Equal("0.00", line.Discount.Amount);

        // The documented example: ItemPrice is the line's price, so 17.95 for two units is 8.975 each.
        var twoUnits = itemLists.Single(list => list.AmazonOrderId == "903-1671087-0812628").OrderItems!.Single(i => i.QuantityOrdered == 2);
        var unit = CanonicalOrderMapper.ToSubmitRequest(OrdersApiV0.ToAmazonOrder(orders[0], [twoUnits]), "p").Lines.Single();
        Assert.Equal("CBA_OTF_5", unit.Sku);
        Assert.Equal("JPY", unit.UnitPrice.Currency);
        Assert.Equal("8.975", unit.UnitPrice.Amount);

        // The AFN sandbox example is marketplace-fulfilled.
        var afn = OrdersApiV0.ToAmazonOrder(orders.Single(o => o.AmazonOrderId == "921-3175655-0452641"), []);
        Assert.True(afn.FulfilledByAmazon);
        Assert.Equal(AmazonOrderStatus.Shipped, afn.Status);
    }

    [Fact]
    public void V0_getOrders_examples_give_the_poll_its_order_ids_and_update_times()
    {
        var pages = SharedContracts.ResponseExamples(OrdersV0Model, "/orders/v0/orders", "get")
            .Select(example => SharedContracts.Deserialize<V0GetOrdersResponse>(example).Payload!).ToList();

        Assert.Contains(pages, page => page.NextToken == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4");
        Assert.All(pages.SelectMany(page => page.Orders!), order =>
        {
            Assert.NotNull(order.AmazonOrderId);
            Assert.NotNull(order.LastUpdateDate);
        });
    }

    [Fact]
    public void Orders_2026_getOrder_example_maps_to_a_canonical_order()
    {
        var example = SharedContracts.ResponseExamples(Orders2026Model, "/orders/2026-01-01/orders/{orderId}", "get").First();

        var order = OrdersApi20260101.ToAmazonOrder(SharedContracts.Deserialize<O26GetOrderResponse>(example).Order!);
        var request = CanonicalOrderMapper.ToSubmitRequest(order, "amazon-uk");

        Assert.Equal(AmazonOrderStatus.Shipped, order.Status);
        Assert.Equal("202-1234567-8901234", request.ChannelOrderId);
        Assert.Equal("GBP", request.Currency);
        Assert.Equal("GB", request.ShipTo.Country);
        Assert.Equal("Unit 4B", request.ShipTo.Line2);
        Assert.Equal(FulfillmentChannel.Merchant, request.FulfillmentChannel);
        var line = Assert.Single(request.Lines);
        Assert.Equal("ECHO-DOT-4-UK-CHARCOAL-3PACK", line.Sku);
        Assert.Equal(3, line.Quantity);
        Assert.Equal("29.99", line.UnitPrice.Amount);
        // TAX 4.00 splits into ITEM 3.00 and SHIPPING 1.00: the line carries the item's part.
        Assert.Equal("3.00", line.Tax.Amount);
    }

    [Fact]
    public void Orders_2026_searchOrders_example_maps_every_order()
    {
        var example = SharedContracts.ResponseExamples(Orders2026Model, "/orders/2026-01-01/orders", "get").First();

        var orders = SharedContracts.Deserialize<O26SearchOrdersResponse>(example).Orders!.Select(OrdersApi20260101.ToAmazonOrder).ToList();

        Assert.NotEmpty(orders);
        var first = orders[0];
        var request = CanonicalOrderMapper.ToSubmitRequest(first, "amazon-us");
        Assert.Equal("123-4567890-1234567", request.ChannelOrderId);
        Assert.Equal("USD", request.Currency);
        Assert.Equal(["ECHO-DOT-4-CHARCOAL", "FIRE-TV-4K-2021"], request.Lines.Select(l => l.Sku).Take(2));
        Assert.Equal("49.99", request.Lines[0].UnitPrice.Amount);
        Assert.Equal(2, request.Lines[0].Quantity);
    }

    [Fact]
    public void An_item_without_a_SellerSKU_is_unmappable_with_a_code()
    {
        var order = new AmazonOrder("111-1111111-1111111", AmazonOrderStatus.Unshipped, false, "ATVPDKIKX0DER", DateTimeOffset.UtcNow, null,
            new AmazonAddress("A", "1 St", null, "City", "WA", "98101", "US"),
            [new AmazonOrderLine("1", null, 1, null, new AmazonMoney("5.00", "USD"), null, null)]);

        var ex = Assert.Throws<UnmappableOrderException>(() => CanonicalOrderMapper.ToSubmitRequest(order, "p"));
        Assert.Equal(AmazonProblemCodes.MissingField, ex.Code);
    }

    [Fact]
    public void Example_listings_feed_validates_and_a_broken_one_does_not()
    {
        var schema = FeedSchema();
        var example = SharedContracts.Json("schemas/feeds/listings-feed-schema-v2.example.json");
        Assert.True(schema.Evaluate(example).IsValid);

        var broken = example.DeepClone();
        broken["messages"]![3]!.AsObject().Remove("patches");
        Assert.False(schema.Evaluate(broken).IsValid);
    }

    [Fact]
    public void Every_feed_the_adapter_builds_validates_against_the_listings_feed_schema_and_message_schema()
    {
        var feedSchema = FeedSchema();
        var messageSchema = JsonSchema.FromText(SharedContracts.Text("schemas/feeds/listings-feed-message-schema-v2.json"));
        IReadOnlyList<(string, int)>[] batches =
        [
            [("SKU-1", 0)],
            [("SKU-1", 5), ("SKU 2/with-odd chars", 17), ("SKU-3", 100000)],
            [.. Enumerable.Range(1, 500).Select(i => ($"BULK-{i}", i))],
        ];

        foreach (var batch in batches)
        {
            var feed = JsonSerializer.SerializeToNode(ListingsFeedBuilder.Build("A3SELLER", "PRODUCT", "DEFAULT", batch), SpApiClient.Json)!;
            var result = feedSchema.Evaluate(feed, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, Describe(result));
            foreach (var message in feed["messages"]!.AsArray())
            {
                Assert.True(messageSchema.Evaluate(message).IsValid);
            }

            Assert.Equal(batch.Count, feed["messages"]!.AsArray().Count);
        }
    }

    [Fact]
    public void The_patchListingsItem_body_carries_the_same_patch_as_a_feed_message()
    {
        var body = JsonSerializer.SerializeToNode(new ListingsItemPatchRequest("PRODUCT", ListingsFeedBuilder.QuantityPatch(7, "DEFAULT")), SpApiClient.Json)!;

        Assert.Equal("replace", body["patches"]![0]!["op"]!.GetValue<string>());
        Assert.Equal("/attributes/fulfillment_availability", body["patches"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(7, body["patches"]![0]!["value"]![0]!["quantity"]!.GetValue<int>());
        Assert.Equal("DEFAULT", body["patches"]![0]!["value"]![0]!["fulfillment_channel_code"]!.GetValue<string>());
    }

    internal static JsonSchema FeedSchema() => JsonSchema.FromText(SharedContracts.Text("schemas/feeds/listings-feed-schema-v2.json"));

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
