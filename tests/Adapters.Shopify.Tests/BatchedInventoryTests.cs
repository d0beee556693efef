using System.Net.Http.Json;
using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Quantities go to the sandbox shop many at a time, in GraphQL <c>inventorySetQuantities</c> calls.</summary>
public sealed class BatchedInventoryTests(TestServers servers)
{
    [Fact]
    public async Task Changes_to_many_skus_reach_the_shop_in_one_call()
    {
        // 30 SKUs in the shop: the ten defaults and twenty more.
        var catalog = Enumerable.Range(10, 20).ToDictionary(i => $"Sandbox:Shopify:Skus:{i}", i => (string?)$"SKU-{i + 1:D4}");
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true, sandbox: catalog);
        var sandbox = rig.Sandbox!;
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM sku_map"), n => n == 30, what: "the 30 SKUs mapped");
        // Each call takes a while (within the tests' 3 s attempt timeout), as over a real network to Shopify: what changes
        // meanwhile waits for the next call.
        sandbox.Faults.Set(new ShopifyFaults { LatencyMilliseconds = 1500, EchoInventoryWebhooks = false });

        for (var i = 1; i <= 30; i++)
        {
            await rig.Adapter.PublishAsync(AdapterRig.Availability($"SKU-{i:D4}", 100 + i, 1));
        }

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == 30, what: "all 30 quantities");
        Assert.All(told, t => Assert.Equal((100 + SkuNumber(t.Sku), 1), (t.Available, t.TimesTold)));
        Assert.InRange(GraphQlCalls(sandbox), 1, 2);
        Assert.DoesNotContain(sandbox.Calls.Snapshot(), c => c.Operation == "inventory_levels.set");
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"), n => n == 0, what: "the queue to empty");
    }

    [Fact]
    public async Task One_refused_item_in_a_batch_is_listed_and_the_others_are_set()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        // An operator maps SKU-0003 to an inventory item the shop does not have.
        using (var map = ShopifyHost.Admin(HttpMethod.Put, "/admin/shopify/sku-map/SKU-0003"))
        {
            map.Content = JsonContent.Create(new { inventoryItemId = 999_999_999L, locationId = sandbox.Shop.LocationId });
            (await rig.Adapter.Client.SendAsync(map)).EnsureSuccessStatusCode();
        }

        sandbox.Faults.Set(new ShopifyFaults { LatencyMilliseconds = 1500, EchoInventoryWebhooks = false });
        await rig.Adapter.PublishAsync(AdapterRig.Availability("SKU-0001", 11, 1));
        // The first call is on its way; the next four changes queue up behind it and go out together.
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM inventory_pushes"), n => n >= 1, what: "the first call");
        for (var i = 2; i <= 5; i++)
        {
            await rig.Adapter.PublishAsync(AdapterRig.Availability($"SKU-{i:D4}", 10 + i, 1));
        }

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == 4, what: "the four good quantities");
        Assert.Equal(["SKU-0001", "SKU-0002", "SKU-0004", "SKU-0005"], told.Select(t => t.Sku));
        Assert.All(told, t => Assert.Equal((10 + SkuNumber(t.Sku), 1), (t.Available, t.TimesTold)));
        Assert.Equal(0, sandbox.Shop.Level(sandbox.Shop.ProductBySku("SKU-0003")!.InventoryItemId));

        var listed = await Eventually.ReachesAsync(() => rig.ListExceptionsAsync("?stage=outbound"), l => l.Count == 1, what: "the refusal to be listed");
        Assert.Equal(ShopifyCodes.ShopifyRejected, listed[0].Code);
        Assert.Contains("INVALID_INVENTORY_ITEM", listed[0].Reason, StringComparison.Ordinal);
        Assert.Equal("failed", await rig.Adapter.ScalarAsync<string>("SELECT status FROM outbound_commands WHERE command_id = @id", ("id", listed[0].CommandId!.Value)));
        Assert.Equal(1L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"));
        // The first call, the batch Shopify refused as a whole for one item, and the batch again without it.
        Assert.Equal(3, GraphQlCalls(sandbox));
    }

    [Fact]
    public async Task A_throttled_batch_is_retried_and_nothing_is_lost()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true,
            sandbox: new Dictionary<string, string?> { ["Sandbox:Shopify:GraphQl:MaximumAvailable"] = "20", ["Sandbox:Shopify:GraphQl:RestoreRate"] = "2" });
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { EchoInventoryWebhooks = false });
        // Another client of the shop's app (a second replica, say) has just spent the cost bucket.
        await SpendCostBucketAsync(sandbox, calls: 2);

        for (var i = 1; i <= 8; i++)
        {
            await rig.Adapter.PublishAsync(AdapterRig.Availability($"SKU-{i:D4}", 20 + i, 1));
        }

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == 8, what: "all eight quantities");
        Assert.All(told, t => Assert.Equal((20 + SkuNumber(t.Sku), 1), (t.Available, t.TimesTold)));
        Assert.Contains(sandbox.Calls.Snapshot(), c => c.Operation == "graphql.throttled");
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_exceptions"));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"), n => n == 0, what: "the queue to empty");
    }

    [Fact]
    public async Task Quantities_queued_while_the_shop_is_down_all_land_once_when_it_is_back()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true,
            adapter: new Dictionary<string, string?> { ["Shopify:Outbound:MaxBackoff"] = "00:00:02" });
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { Outage = true, EchoInventoryWebhooks = false });

        for (var i = 1; i <= 10; i++)
        {
            await rig.Adapter.PublishAsync(AdapterRig.Availability($"SKU-{i:D4}", 30 + i, 1));
        }

        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM inventory_sync"), n => n == 10, what: "all ten changes handled");
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands WHERE attempts > 0"), n => n == 10, what: "every update to meet the outage");
        Assert.Empty(await sandbox.ToldAsync());

        sandbox.Faults.Set(new ShopifyFaults { EchoInventoryWebhooks = false });

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == 10, what: "all ten quantities after the outage");
        Assert.All(told, t => Assert.Equal((30 + SkuNumber(t.Sku), 1), (t.Available, t.TimesTold)));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"), n => n == 0, what: "the queue to empty");
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_exceptions"));
    }

    [Fact]
    public async Task Quantity_calls_pace_themselves_by_the_cost_limit_and_are_never_throttled()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true,
            sandbox: new Dictionary<string, string?> { ["Sandbox:Shopify:GraphQl:MaximumAvailable"] = "20", ["Sandbox:Shopify:GraphQl:RestoreRate"] = "10" });
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { EchoInventoryWebhooks = false });

        // One change at a time, so that each is a call of its own: six calls against a bucket that holds two.
        for (var i = 1; i <= 6; i++)
        {
            await rig.Adapter.PublishAsync(AdapterRig.Availability($"SKU-{i:D4}", 40 + i, 1));
            await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == i, what: $"quantity {i}");
        }

        Assert.Equal(6, GraphQlCalls(sandbox));
        Assert.DoesNotContain(sandbox.Calls.Snapshot(), c => c.Operation == "graphql.throttled");
    }

    private static int GraphQlCalls(SandboxHost sandbox) =>
        sandbox.Calls.Snapshot().Where(c => c is { Operation: "graphql", Status: 200 }).Sum(c => c.Count);

    private static int SkuNumber(string sku) => int.Parse(sku[4..], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task SpendCostBucketAsync(SandboxHost sandbox, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/shopify/admin/api/2025-04/graphql.json")
            {
                Content = JsonContent.Create(new
                {
                    query = ShopifyAdminClient.SetQuantitiesMutation,
                    variables = new { input = new { name = "available", reason = "correction", ignoreCompareQuantity = true, quantities = Array.Empty<object>() } },
                }),
            };
            request.Headers.Add(ShopifyAdminClient.AccessTokenHeader, SandboxHost.AccessToken);
            using var response = await sandbox.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }
}
