using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>The sandbox shop and the adapter together: signed webhooks in, fulfillments out, faults on the way.</summary>
public sealed class SandboxFlowTests(TestServers servers)
{
    [Fact]
    public async Task Sandbox_order_reaches_the_order_service_and_its_shipment_becomes_a_fulfillment_with_tracking()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();

        var order = sandbox.Desk.Place([("SKU-0001", 2), ("SKU-0002", 1)])!;

        var submitted = await Eventually.ReachesAsync(() => Task.FromResult(rig.Calls.ByChannelOrderId(order.Id.ToString())), o => o is not null, what: "the submission");
        Assert.Equal(ShopifyHost.PartnerId, submitted!.PartnerId);
        Assert.Equal([("SKU-0001", 2, "24.99"), ("SKU-0002", 1, "24.99")], submitted.Lines.Select(l => (l.Sku, l.Quantity, l.UnitPrice.Amount)));
        Assert.Equal(order.Name, submitted.CustomerReference);
        Assert.Equal(0, rig.Gateway!.BadSignatures);

        var shipped = order.Lines.Select(l => new OrderedLine(l.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), l.Product.Sku, l.Quantity)).ToList();
        await rig.Adapter.PublishAsync(new OrderShipped(Guid.Parse(submitted.OrderId), "shopify", ShopifyHost.PartnerId, "SHP-1", shipped, true, "UPS", "1Z999AA10123456784", DateTimeOffset.UtcNow));

        var fulfillment = (await Eventually.ReachesAsync(() => Task.FromResult(sandbox.Shop.Fulfillments()), f => f.Count == 1, what: "the fulfillment")).Single();
        Assert.Equal((order.Id, "1Z999AA10123456784", "UPS"), (fulfillment.OrderId, fulfillment.TrackingNumber, fulfillment.TrackingCompany));
        Assert.Equal([("SKU-0001", 2), ("SKU-0002", 1)], fulfillment.Lines.Select(l => (l.Sku, l.Quantity)));
    }

    [Fact]
    public async Task Duplicated_and_reordered_sandbox_deliveries_create_each_order_once_and_end_in_the_newest_state()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { DuplicateDeliveryRate = 1.0, OutOfOrderRate = 0.5 });

        var orders = Enumerable.Range(0, 4).Select(_ => sandbox.Desk.Place(financialStatus: "authorized")!).ToList();
        foreach (var order in orders)
        {
            sandbox.Desk.MarkPaid(order.Id);
        }

        await Eventually.ReachesAsync(() => Task.FromResult(sandbox.Webhooks.Log.Count(a => a.Duplicate && a.StatusCode == 200)), n => n == 8,
            TimeSpan.FromSeconds(90), "every delivery sent a second time");
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE status <> 'received'"), n => n == 8,
            TimeSpan.FromSeconds(90), "four creates and four updates processed");
        Assert.Equal(4, rig.Calls.Created);
        Assert.Equal(8L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries"));
        Assert.Equal(4L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_orders WHERE financial_status = 'paid'"));
    }

    [Fact]
    public async Task Quantity_set_in_the_shop_comes_back_as_an_echo_that_is_ignored()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        await rig.SkuMapFilledAsync();

        await rig.Adapter.PublishAsync(AdapterRig.Availability("SKU-0004", 17, 1));

        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<string>("SELECT outcome FROM webhook_deliveries WHERE topic = 'inventory_levels/update'"),
            o => o == "echo", what: "the echo to be recognized");
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM channel_levels"));
    }
}
