using System.Text.Json.Nodes;
using Distribution.Aspire.Adapters.Sandbox.Amazon;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>Quantities and shipment confirmations from events to the sandbox's Amazon, through the durable queues.</summary>
public sealed class OutboundTests(TestServers servers)
{
    private static InventoryAvailabilityChanged Availability(string sku, int amazon, long sequence) =>
        new(sku, amazon + 10, [new ChannelQuantity("shopify", amazon + 10), new ChannelQuantity("amazon", amazon)], sequence, DateTimeOffset.UtcNow);

    /// <summary>Waits until one row of the quantity queue matches <paramref name="condition"/>.</summary>
    private static Task QueueRowAsync(AmazonHarness harness, string condition, string what) =>
        Eventually.GetAsync(() => harness.ScalarAsync<long>($"SELECT count(*) FROM quantity_updates WHERE {condition}"), n => n == 1, what);

    [Fact]
    public async Task Outage_delays_quantity_updates_without_losing_them_and_the_latest_value_wins()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        await harness.SetFaultsAsync(new AmazonFaults { Unavailable = true });

        await harness.PublishAsync(Availability("SKU-9", 5, 1));
        await harness.PublishAsync(Availability("SKU-9", 7, 2));
        await harness.PublishAsync(Availability("SKU-9", 3, 3));
        await harness.PublishAsync(Availability("SKU-8", 4, 1));

        // Every value reached the queue and was tried against the outage; Amazon heard nothing.
        await QueueRowAsync(harness, "sku = 'SKU-9' AND sequence = 3 AND last_error IS NOT NULL AND pending", "SKU-9 at its latest value, failing");
        Assert.True(harness.SandboxState.StatsFor("patchListingsItem").Faulted > 0);
        Assert.Empty(harness.SandboxState.Quantities);

        await harness.SetFaultsAsync(new AmazonFaults());

        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("SKU-9") && harness.SandboxState.Quantities.ContainsKey("SKU-8"), "quantities after the outage");
        var told = harness.SandboxState.Quantities["SKU-9"];
        Assert.Equal(3, told.Quantity);
        Assert.Equal(1, told.Updates);
        Assert.Equal(4, harness.SandboxState.Quantities["SKU-8"].Quantity);
        await Eventually.GetAsync(() => harness.ScalarAsync<long>("SELECT count(*) FROM quantity_updates WHERE pending"), n => n == 0, "queue drained");
    }

    [Fact]
    public async Task Older_quantity_arriving_late_does_not_overwrite_a_newer_one()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);

        await harness.PublishAsync(Availability("SKU-5", 9, 10));
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("SKU-5"), "first quantity");
        await harness.PublishAsync(Availability("SKU-5", 1, 4));
        await harness.PublishAsync(Availability("SKU-6", 2, 1));
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("SKU-6"), "later event handled");

        Assert.Equal(9, harness.SandboxState.Quantities["SKU-5"].Quantity);
        Assert.Equal(1, harness.SandboxState.Quantities["SKU-5"].Updates);
    }

    [Fact]
    public async Task A_quantity_Amazon_already_shows_is_not_sent_again()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        await harness.PublishAsync(Availability("SKU-4", 6, 1));
        await QueueRowAsync(harness, "sku = 'SKU-4' AND sent_sequence = 1 AND NOT pending", "the first quantity accepted");

        // Stock moved without changing what Amazon is offered (a shipment: off hand and off reserved alike).
        await harness.PublishAsync(Availability("SKU-4", 6, 2));
        await QueueRowAsync(harness, "sku = 'SKU-4' AND sequence = 2", "the second event handled");
        Assert.Equal(0, await harness.ScalarAsync<long>("SELECT count(*) FROM quantity_updates WHERE pending"));
        Assert.Equal(1, harness.SandboxState.Quantities["SKU-4"].Updates);

        await harness.PublishAsync(Availability("SKU-4", 8, 3));
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities["SKU-4"].Quantity == 8, "the changed quantity");
        Assert.Equal(2, harness.SandboxState.Quantities["SKU-4"].Updates);
    }

    [Fact]
    public async Task A_value_that_may_have_reached_Amazon_before_its_call_failed_is_put_right_even_if_the_next_equals_the_last_accepted()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        await harness.PublishAsync(Availability("SKU-2", 6, 1));
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("SKU-2"), "the first quantity");

        // 9 is queued and failing (for all the adapter knows, Amazon took it and the answer was lost); then the stock
        // goes back to what Amazon accepted last. Amazon must hear 6 again once it is back.
        await harness.SetFaultsAsync(new AmazonFaults { Unavailable = true });
        await harness.PublishAsync(Availability("SKU-2", 9, 2));
        await QueueRowAsync(harness, "sku = 'SKU-2' AND sequence = 2 AND last_error IS NOT NULL", "9 failing");
        await harness.PublishAsync(Availability("SKU-2", 6, 3));
        await QueueRowAsync(harness, "sku = 'SKU-2' AND sequence = 3 AND pending", "6 queued behind the failure");
        await harness.SetFaultsAsync(new AmazonFaults());

        await QueueRowAsync(harness, "sku = 'SKU-2' AND sent_sequence = 3 AND NOT pending", "6 sent after the outage");
        Assert.Equal(6, harness.SandboxState.Quantities["SKU-2"].Quantity);
        Assert.Equal(2, harness.SandboxState.Quantities["SKU-2"].Updates);
    }

    [Fact]
    public async Task Feed_mode_sends_one_listings_feed_that_validates_against_Amazons_schema()
    {
        await using var harness = await AmazonHarness.StartAsync(servers,
            adapter: new Dictionary<string, string?> { ["Amazon:QuantityUpdateMode"] = "feed", ["Amazon:SendOutbound"] = "false" });
        for (var i = 1; i <= 5; i++)
        {
            await harness.PublishAsync(Availability($"FEED-{i}", i * 3, 1));
        }

        await Eventually.GetAsync(() => harness.ScalarAsync<long>("SELECT count(*) FROM quantity_updates"), n => n == 5, "queued");
        await harness.StopAdapterAsync();
        await harness.StartAdapterAsync(new Dictionary<string, string?> { ["Amazon:SendOutbound"] = "true" });

        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.Count == 5, "quantities applied from the feed");
        Assert.Equal(Enumerable.Range(1, 5).Select(i => i * 3), Enumerable.Range(1, 5).Select(i => harness.SandboxState.Quantities[$"FEED-{i}"].Quantity));
        var feed = Assert.Single(harness.SandboxState.Feeds.Values);
        Assert.Equal("JSON_LISTINGS_FEED", feed.FeedType);
        var document = JsonNode.Parse(feed.Document!)!;
        Assert.True(ContractTests.FeedSchema().Evaluate(document).IsValid);
        Assert.Equal(5, document["messages"]!.AsArray().Count);
        await Eventually.GetAsync(() => harness.ScalarAsync<string>("SELECT status FROM listings_feeds"), s => s == "DONE", "feed followed to DONE");
    }

    [Fact]
    public async Task Queued_quantities_and_shipments_leave_when_their_transaction_commits_not_at_the_next_poll()
    {
        // Ten minutes between polls: within the test, only the wake-up after the handler's commit can send anything.
        await using var harness = await AmazonHarness.StartAsync(servers, adapter: new Dictionary<string, string?> { ["Amazon:IdlePollMilliseconds"] = "600000" });
        await harness.PublishAsync(Availability("WAKE-1", 4, 1));
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("WAKE-1"), "the first quantity", seconds: 15);

        // The sender has gone back to waiting by now.
        await Task.Delay(500);
        await harness.PublishAsync(Availability("WAKE-2", 6, 1));
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("WAKE-2"), "a quantity queued while the sender waited", seconds: 15);

        var amazonOrderId = await harness.PlaceOrderAsync(items: [("SKU-1", 1, 10m)]);
        var submitted = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder", seconds: 15);
        var orderId = await Eventually.GetAsync(
            () => harness.ScalarAsync<Guid?>("SELECT order_id FROM amazon_orders WHERE amazon_order_id = $1", amazonOrderId), id => id is not null, "link", seconds: 15);
        await Task.Delay(500);
        var lines = submitted.Lines.Select(l => new OrderedLine(l.LineId, l.Sku, l.Quantity)).ToList();
        await harness.PublishAsync(new OrderShipped(orderId!.Value, "amazon", AmazonHarness.PartnerId, "SHP-WAKE", lines, true, "UPS", "1Z999AA10123456784", DateTimeOffset.UtcNow));
        await Eventually.WaitAsync(() => !harness.SandboxState.Shipments.IsEmpty, "the shipment confirmation", seconds: 15);
    }

    [Fact]
    public async Task Shipment_of_a_seller_fulfilled_order_is_confirmed_with_carrier_and_tracking()
    {
        await using var harness = await AmazonHarness.StartAsync(servers);
        var amazonOrderId = await harness.PlaceOrderAsync(items: [("SKU-1", 2, 10m), ("SKU-2", 1, 4m)]);
        var submitted = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder");
        var orderId = await Eventually.GetAsync(
            () => harness.ScalarAsync<Guid?>("SELECT order_id FROM amazon_orders WHERE amazon_order_id = $1", amazonOrderId), id => id is not null, "link");

        var lines = submitted.Lines.Select(l => new OrderedLine(l.LineId, l.Sku, l.Quantity)).ToList();
        var shipped = new OrderShipped(orderId!.Value, "amazon", AmazonHarness.PartnerId, "SHP-1", lines, true, "UPS", "1Z999AA10123456784", DateTimeOffset.UtcNow);
        await harness.PublishAsync(shipped);
        await harness.PublishAsync(shipped);

        await Eventually.WaitAsync(() => !harness.SandboxState.Shipments.IsEmpty, "shipment confirmation");
        await Task.Delay(500);
        var confirmation = Assert.Single(harness.SandboxState.Shipments);
        Assert.Equal(amazonOrderId, confirmation.AmazonOrderId);
        Assert.Equal("UPS", confirmation.CarrierCode);
        Assert.Equal("1Z999AA10123456784", confirmation.TrackingNumber);
        Assert.Equal(submitted.Lines.Select(l => (l.LineId, l.Quantity)), confirmation.Items.Select(i => (i.OrderItemId, i.Quantity)));
    }

    [Fact]
    public async Task Throttled_order_fetch_waits_and_still_gets_the_order()
    {
        await using var harness = await AmazonHarness.StartAsync(servers, sandbox: new Dictionary<string, string?> { ["Sandbox:Amazon:Faults:ThrottleNextRequests"] = "6" });

        var amazonOrderId = await harness.PlaceOrderAsync();

        var submitted = await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder");
        Assert.Equal(amazonOrderId, submitted.ChannelOrderId);
        var throttled = harness.SandboxState.Calls.Values.Sum(c => c.Throttled);
        Assert.Equal(6, throttled);
    }
}
