using System.Globalization;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Our shipments become Shopify fulfillments exactly once, whatever the shop's state and however its answers go missing.</summary>
public sealed class FulfillmentTests(TestServers servers)
{
    [Theory]
    [InlineData("on_hold")]
    [InlineData("scheduled")]
    public async Task Shipment_of_a_held_fulfillment_order_waits_in_the_queue_and_is_sent_once_the_hold_is_released(string hold)
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        var order = sandbox.Desk.Place([("SKU-0001", 2)])!;
        var submitted = await Eventually.ReachesAsync(() => Task.FromResult(rig.Calls.ByChannelOrderId(order.Id.ToString(CultureInfo.InvariantCulture))), o => o is not null, what: "the submission");
        sandbox.Shop.Change(order.Id, o => o.FulfillmentHold = hold);

        await rig.Adapter.PublishAsync(Shipped(Guid.Parse(submitted!.OrderId), "SHP-1", order.Lines[0].Id, 2, "1Z-HELD"));

        await Eventually.ReachesAsync(
            () => rig.Adapter.ScalarAsync<int>("SELECT attempts FROM outbound_commands WHERE coalesce_key = 'fulfillment:SHP-1' AND status = 'pending'"),
            n => n >= 2, what: "the command to stay queued while the fulfillment order is held");
        Assert.Empty(sandbox.Shop.Fulfillments());
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_fulfillments"));

        sandbox.Shop.Change(order.Id, o => o.FulfillmentHold = null);

        var fulfillment = (await Eventually.ReachesAsync(() => Task.FromResult(sandbox.Shop.Fulfillments()), f => f.Count == 1, what: "the fulfillment after the hold")).Single();
        Assert.Equal(("1Z-HELD", 2), (fulfillment.TrackingNumber, fulfillment.Lines.Single().Quantity));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"), n => n == 0, what: "the queue to empty");
    }

    [Fact]
    public async Task Retry_after_a_lost_fulfillment_answer_recognises_its_own_fulfillment_so_a_split_shipment_keeps_both_tracking_numbers()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        var order = sandbox.Desk.Place([("SKU-0001", 2)])!;
        var submitted = await Eventually.ReachesAsync(() => Task.FromResult(rig.Calls.ByChannelOrderId(order.Id.ToString(CultureInfo.InvariantCulture))), o => o is not null, what: "the submission");
        var orderId = Guid.Parse(submitted!.OrderId);
        sandbox.Shop.DropNextFulfillmentAnswers(1);

        await rig.Adapter.PublishAsync(Shipped(orderId, "SHP-1", order.Lines[0].Id, 1, "1Z-FIRST"));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_fulfillments WHERE shipment_id = 'SHP-1'"), n => n == 1, what: "the first shipment done");
        await rig.Adapter.PublishAsync(Shipped(orderId, "SHP-2", order.Lines[0].Id, 1, "1Z-SECOND"));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_fulfillments WHERE shipment_id = 'SHP-2'"), n => n == 1, what: "the second shipment done");

        var fulfillments = sandbox.Shop.Fulfillments();
        Assert.Equal([("1Z-FIRST", 1), ("1Z-SECOND", 1)], fulfillments.Select(f => (f.TrackingNumber, f.Lines.Sum(l => l.Quantity))).OrderBy(f => f.TrackingNumber, StringComparer.Ordinal));
        Assert.Equal(2L, await rig.Adapter.ScalarAsync<long>("SELECT count(DISTINCT fulfillment_id) FROM shopify_fulfillments"));
    }

    private static OrderShipped Shipped(Guid orderId, string shipmentId, long lineItemId, int quantity, string tracking) =>
        new(orderId, "shopify", ShopifyHost.PartnerId, shipmentId, [new OrderedLine(lineItemId.ToString(CultureInfo.InvariantCulture), "SKU-0001", quantity)], true, "UPS", tracking, DateTimeOffset.UtcNow);
}
