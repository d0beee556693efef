using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Contracts.Orders.V1;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>ORDER_CHANGE notifications from the sandbox through the adapter to the OrderService double.</summary>
public sealed class NotificationFlowTests(TestServers servers)
{
    [Theory]
    [InlineData("v0", "bare")]
    [InlineData("2026-01-01", "eventbridge")]
    public async Task Notified_seller_fulfilled_order_is_fetched_mapped_and_submitted(string ordersApi, string envelope)
    {
        await using var harness = await AmazonHarness.StartAsync(servers,
            adapter: new Dictionary<string, string?> { ["Amazon:OrdersApiVersion"] = ordersApi },
            sandbox: new Dictionary<string, string?> { ["Sandbox:Amazon:Notifications:Envelope"] = envelope });

        var amazonOrderId = await harness.PlaceOrderAsync("MFN", items: [("SKU-1", 2, 12.50m), ("SKU-2", 1, 5.00m)]);

        var submitted = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder");
        Assert.Equal("amazon", submitted.Channel);
        Assert.Equal(AmazonHarness.PartnerId, submitted.PartnerId);
        Assert.Equal(amazonOrderId, submitted.ChannelOrderId);
        Assert.Equal(FulfillmentChannel.Merchant, submitted.FulfillmentChannel);
        Assert.Equal("USD", submitted.Currency);
        Assert.Equal("Seattle", submitted.ShipTo.City);
        Assert.Equal(["SKU-1", "SKU-2"], submitted.Lines.Select(l => l.Sku));
        Assert.Equal([2, 1], submitted.Lines.Select(l => l.Quantity));
        Assert.Equal("12.50", submitted.Lines[0].UnitPrice.Amount);
        Assert.Equal("2.50", submitted.Lines[0].Tax.Amount);
        var outcome = await Eventually.GetAsync(
            () => harness.ScalarAsync<string>("SELECT outcome FROM notifications WHERE amazon_order_id = $1", amazonOrderId), o => o is not null, "processed row");
        Assert.Equal("created", outcome);
        Assert.NotNull(await harness.ScalarAsync<Guid?>("SELECT order_id FROM amazon_orders WHERE amazon_order_id = $1", amazonOrderId));
    }

    [Fact]
    public async Task Amazon_fulfilled_order_is_recorded_as_marketplace_fulfilled()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);

        await harness.PlaceOrderAsync("AFN");

        var submitted = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder");
        Assert.Equal(FulfillmentChannel.Marketplace, submitted.FulfillmentChannel);
    }

    [Fact]
    public async Task Replayed_notification_is_acknowledged_idempotently_and_submits_once()
    {
        await using var harness = await AmazonHarness.StartAsync(servers, adapter: new Dictionary<string, string?> { ["Amazon:ProcessNotifications"] = "false" });
        var amazonOrderId = await harness.PlaceOrderAsync(notify: false);
        var body = Notification(amazonOrderId, "11111111-2222-3333-4444-555555555555");

        using var first = await harness.PostNotificationAsync(body);
        using var second = await harness.PostNotificationAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(1L, await harness.ScalarAsync<long>("SELECT count(*) FROM notifications"));

        await harness.StopAdapterAsync();
        await harness.StartAdapterAsync(new Dictionary<string, string?> { ["Amazon:ProcessNotifications"] = "true" });
        await Eventually.WaitAsync(() => !harness.Orders.Submitted.IsEmpty, "SubmitOrder");
        await Task.Delay(500);
        Assert.Single(harness.Orders.Submitted);
    }

    [Fact]
    public async Task Duplicate_and_out_of_order_deliveries_from_the_sandbox_create_each_order_once()
    {
        await using var harness = await AmazonHarness.StartAsync(servers,
            sandbox: new Dictionary<string, string?>
            {
                ["Sandbox:Amazon:Faults:DuplicateNotificationRate"] = "1",
                ["Sandbox:Amazon:Faults:OutOfOrderNotificationRate"] = "0.5",
            });

        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await harness.PlaceOrderAsync());
        }

        await Eventually.WaitAsync(() => harness.Orders.OrderIds.Count >= 3, "orders created");
        await Eventually.GetAsync(
            () => harness.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE status = 'received'"), n => n == 0, "all processed");
        Assert.Equal(harness.Orders.OrderIds.Count, harness.Orders.Submitted.Select(s => s.ChannelOrderId).Distinct().Count());
        Assert.All(harness.Orders.Submitted.Select(s => s.ChannelOrderId), id => Assert.Contains(id, ids));
    }

    [Fact]
    public async Task Cancellation_on_Amazon_cancels_the_canonical_order()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        var amazonOrderId = await harness.PlaceOrderAsync();
        await Eventually.WaitAsync(() => !harness.Orders.Submitted.IsEmpty, "SubmitOrder");
        var orderId = await Eventually.GetAsync(
            () => harness.ScalarAsync<Guid?>("SELECT order_id FROM amazon_orders WHERE amazon_order_id = $1", amazonOrderId), id => id is not null, "link");

        using var cancel = await harness.SandboxClient.PostAsJsonAsync($"/sandbox/amazon/orders/{amazonOrderId}/status", new { status = "Canceled" });
        cancel.EnsureSuccessStatusCode();

        var cancelled = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Cancelled.FirstOrDefault()), c => c is not null, "CancelOrder");
        Assert.Equal(orderId.ToString(), cancelled.OrderId);
        Assert.Equal(AmazonHarness.PartnerId, cancelled.PartnerId);
    }

    [Fact]
    public async Task Cancellation_after_a_submit_whose_answer_was_lost_cancels_the_order_that_was_created()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        harness.Orders.SubmitAnswerLost = true;
        var amazonOrderId = await harness.PlaceOrderAsync();
        var key = $"amazon|{AmazonHarness.PartnerId}|{amazonOrderId}";
        await Eventually.WaitAsync(() => harness.Orders.OrderIds.ContainsKey(key), "the submit committed without an answer");

        using var cancel = await harness.SandboxClient.PostAsJsonAsync($"/sandbox/amazon/orders/{amazonOrderId}/status", new { status = "Canceled" });
        cancel.EnsureSuccessStatusCode();

        await Eventually.WaitAsync(() => harness.Orders.CancelledKeys.ContainsKey(key), "the created order to be cancelled");
        await Eventually.GetAsync(
            () => harness.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE status = 'received'"), n => n == 0, "all processed");
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE outcome = 'cancelled_unknown'"));
    }

    [Fact]
    public async Task Cancellation_of_an_order_never_submitted_is_left_with_OrderService_for_a_submit_still_under_way()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);

        var amazonOrderId = await harness.PlaceOrderAsync(status: "Canceled");

        var cancelled = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Cancelled.FirstOrDefault()), c => c is not null, "CancelOrder by Amazon's id");
        Assert.Equal(("amazon", AmazonHarness.PartnerId, amazonOrderId, string.Empty), (cancelled.Channel, cancelled.PartnerId, cancelled.ChannelOrderId, cancelled.OrderId));
        Assert.Equal("cancelled_before_order", await Eventually.GetAsync(
            () => harness.ScalarAsync<string>("SELECT outcome FROM notifications WHERE amazon_order_id = $1", amazonOrderId), o => o is not null, "processed row"));
        Assert.Empty(harness.Orders.Submitted);
    }

    [Fact]
    public async Task Stored_notifications_are_processed_after_a_restart()
    {
        await using var harness = await AmazonHarness.StartAsync(servers, adapter: new Dictionary<string, string?> { ["Amazon:ProcessNotifications"] = "false" });
        var first = await harness.PlaceOrderAsync();
        var second = await harness.PlaceOrderAsync();
        await Eventually.GetAsync(() => harness.ScalarAsync<long>("SELECT count(*) FROM notifications"), n => n == 2, "both stored");
        Assert.Empty(harness.Orders.Submitted);

        // A stop with work still in the table, then a new process on the same database.
        await harness.StopAdapterAsync();
        await harness.StartAdapterAsync(new Dictionary<string, string?> { ["Amazon:ProcessNotifications"] = "true" });

        await Eventually.WaitAsync(() => harness.Orders.OrderIds.Count == 2, "both orders submitted");
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), harness.Orders.Submitted.Select(s => s.ChannelOrderId).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Backup_poll_finds_an_order_whose_notification_never_came()
    {
        await using var harness = await AmazonHarness.StartAsync(servers,
            adapter: new Dictionary<string, string?>
            {
                ["Amazon:BackupPollEnabled"] = "true",
                ["Amazon:BackupPollIntervalSeconds"] = "1",
                ["Amazon:BackupPollSettleSeconds"] = "0",
            });

        var missed = await harness.PlaceOrderAsync(notify: false);

        var submitted = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder from the poll");
        Assert.Equal(missed, submitted.ChannelOrderId);
        Assert.Equal("poll", await harness.ScalarAsync<string>("SELECT source FROM notifications WHERE amazon_order_id = $1", missed));
        Assert.NotNull(await harness.ScalarAsync<DateTime?>("SELECT updated_after FROM poll_watermarks WHERE name = 'orders'"));
    }

    [Fact]
    public async Task Unknown_SKU_goes_to_the_exceptions_list_with_the_raw_payload()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        harness.Orders.UnknownSkus["NO-SUCH-SKU"] = true;

        var amazonOrderId = await harness.PlaceOrderAsync(items: [("NO-SUCH-SKU", 1, 3.00m)]);

        using var admin = harness.AdapterClient();
        admin.DefaultRequestHeaders.Add("X-Admin-Key", AmazonHarness.AdminKey);
        var list = await Eventually.GetAsync(
            () => admin.GetFromJsonAsync<JsonElement>("/admin/amazon/exceptions?source=order"), l => l.GetProperty("items").GetArrayLength() > 0, "exception");
        var item = list.GetProperty("items")[0];
        Assert.Equal("unknown_sku", item.GetProperty("code").GetString());
        Assert.Equal(amazonOrderId, item.GetProperty("reference").GetString());
        Assert.Contains("NO-SUCH-SKU", item.GetProperty("payload").GetString(), StringComparison.Ordinal);
        Assert.Equal("failed", await harness.ScalarAsync<string>("SELECT status FROM notifications WHERE amazon_order_id = $1", amazonOrderId));

        using var anonymous = harness.AdapterClient();
        using var refused = await anonymous.GetAsync("/admin/amazon/exceptions");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("{\"NotificationType\": ", 400, "malformed_json")]
    [InlineData("{\"NotificationType\":\"ANY_OFFER_CHANGED\",\"NotificationMetadata\":{\"NotificationId\":\"x\"}}", 422, "unsupported_notification_type")]
    [InlineData("{\"NotificationType\":\"ORDER_CHANGE\",\"Payload\":{}}", 422, "invalid_notification")]
    [InlineData("[1,2,3]", 422, "invalid_notification")]
    [InlineData("{\"NotificationType\":\"ORDER_CHANGE\",\"NotificationMetadata\":{\"NotificationId\":\"n\\u0000\"},\"Payload\":{\"OrderChangeNotification\":{\"AmazonOrderId\":\"1\"}}}", 422, "invalid_notification")]
    public async Task Bad_delivery_gets_problem_details_with_a_stable_code_and_is_kept_for_operators(string body, int status, string code)
    {
        await using var harness = await AmazonHarness.StartAsync(servers);

        using var response = await harness.PostNotificationAsync(body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM notifications"));
        Assert.Equal(body, await harness.ScalarAsync<string>("SELECT payload FROM exceptions WHERE code = $1", code));
    }

    [Fact]
    public async Task Huge_body_is_refused_with_413_and_a_prefix_kept()
    {
        await using var harness = await AmazonHarness.StartAsync(servers, adapter: new Dictionary<string, string?> { ["Amazon:MaxNotificationBytes"] = "4096" });

        using var response = await harness.PostNotificationAsync("{\"pad\":\"" + new string('x', 20_000) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM notifications"));
        Assert.Equal(1L, await harness.ScalarAsync<long>("SELECT count(*) FROM exceptions WHERE code = 'payload_too_large'"));
    }

    [Fact]
    public async Task Delivery_not_stamped_by_the_gateway_is_refused()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);

        using var response = await harness.PostNotificationAsync(Notification("111-1111111-1111111", "n-1"), partnerId: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT count(*) FROM notifications"));
    }

    private static string Notification(string amazonOrderId, string notificationId)
    {
        var example = SharedContracts.Json("schemas/notifications/OrderChangeNotification.json")["examples"]![0]!.DeepClone();
        example["Payload"]!["OrderChangeNotification"]!["AmazonOrderId"] = amazonOrderId;
        example["NotificationMetadata"]!["NotificationId"] = notificationId;
        return example.ToJsonString();
    }
}
