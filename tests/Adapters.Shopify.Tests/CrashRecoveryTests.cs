using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>An acknowledged delivery is durable: whatever stops its processing, it is processed after a restart.</summary>
public sealed class CrashRecoveryTests(TestServers servers)
{
    [Fact]
    public async Task Delivery_stored_while_the_order_service_is_down_is_processed_by_the_restarted_adapter()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var rig = await AdapterRig.StartAsync(servers, ordersAddress: nobody);
        var id = ShopifyBodies.NewOrderId();

        using var response = await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0)), "survives");
        response.EnsureSuccessStatusCode();
        var failing = await Eventually.ReachesAsync(() => rig.Adapter.DeliveryAsync("survives"), d => d is { Attempts: >= 1 }, what: "a failed attempt");
        Assert.Equal("received", failing!.Value.Status);

        await rig.RestartAdapterAsync(new Dictionary<string, string?> { ["Shopify:OrdersAddress"] = rig.Orders.Address.ToString() });

        Assert.Equal("processed", (await rig.Adapter.ProcessedAsync("survives"))!.Value.Status);
        Assert.Equal(id.ToString(), Assert.Single(rig.Calls.Submits).ChannelOrderId);
    }
}
