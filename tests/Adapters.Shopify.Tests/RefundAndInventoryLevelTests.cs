using System.Text.Json.Nodes;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>refunds/create is kept as a fact; inventory_levels/update tells our own echo from drift.</summary>
public sealed class RefundAndInventoryLevelTests(TestServers servers)
{
    [Fact]
    public async Task Refund_fixture_is_recorded_once_with_the_amount_paid_back_and_its_lines()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var refund = ShopifyBodies.Bytes(SharedContracts.Json(SharedContracts.PythonRefund)["refund"]!);

        (await rig.Adapter.PostWebhookAsync("refunds/create", refund, "refund-a")).Dispose();
        (await rig.Adapter.PostWebhookAsync("refunds/create", refund, "refund-b")).Dispose();

        // Deliveries are worked on side by side: whichever is taken first records the refund.
        string?[] outcomes = [(await rig.Adapter.ProcessedAsync("refund-a"))!.Value.Outcome, (await rig.Adapter.ProcessedAsync("refund-b"))!.Value.Outcome];
        Assert.Equal(["known_refund", "recorded"], outcomes.Order());
        Assert.Equal(209.00m, await rig.Adapter.ScalarAsync<decimal>("SELECT amount FROM shopify_refunds WHERE refund_id = 509562969"));
        Assert.Equal("USD", await rig.Adapter.ScalarAsync<string>("SELECT currency FROM shopify_refunds WHERE refund_id = 509562969"));
        Assert.True(await rig.Adapter.ScalarAsync<bool>("SELECT restock FROM shopify_refunds WHERE refund_id = 509562969"));
        Assert.Equal(["IPOD2008BLACK", "IPOD2008GREEN"], JsonNode.Parse((await rig.Adapter.ScalarAsync<string>(
            "SELECT lines::text FROM shopify_refunds WHERE refund_id = 509562969"))!)!.AsArray().Select(l => l!["sku"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refund_exemplar_whose_transactions_are_not_refunds_is_recorded_without_money_moved()
    {
        await using var rig = await AdapterRig.StartAsync(servers);

        (await rig.Adapter.PostWebhookAsync("refunds/create", SharedContracts.Bytes(SharedContracts.GadgetRefund), "gadget-refund")).Dispose();

        Assert.Equal(("processed", "recorded"), Pair(await rig.Adapter.ProcessedAsync("gadget-refund")));
        Assert.Equal(0m, await rig.Adapter.ScalarAsync<decimal>("SELECT coalesce(amount, 0) FROM shopify_refunds WHERE refund_id = 123"));
        Assert.Equal(1L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_refunds WHERE amount IS NULL"));
    }

    [Fact]
    public async Task Refund_transaction_with_a_placeholder_amount_goes_on_the_exceptions_list()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var refund = SharedContracts.Json(SharedContracts.GadgetRefund);
        refund["transactions"]![0]!["kind"] = "refund";
        refund["transactions"]![0]!["status"] = "success";

        (await rig.Adapter.PostWebhookAsync("refunds/create", ShopifyBodies.Bytes(refund), "bad-refund")).Dispose();

        Assert.Equal(("exception", ShopifyCodes.InvalidMoney), Pair(await rig.Adapter.ProcessedAsync("bad-refund")));
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_refunds"));
    }

    [Fact]
    public async Task Level_equal_to_a_quantity_we_pushed_is_our_echo_and_any_other_level_is_recorded_as_drift()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        await rig.Adapter.ScalarAsync<int>("INSERT INTO inventory_pushes (inventory_item_id, location_id, sku, quantity) VALUES (123, 123, 'SKU-X', 50)");
        var echo = SharedContracts.Json(SharedContracts.GadgetInventoryLevel);
        echo["available"] = 50;

        (await rig.Adapter.PostWebhookAsync("inventory_levels/update", SharedContracts.Bytes(SharedContracts.GadgetInventoryLevel), "level-drift")).Dispose();
        (await rig.Adapter.PostWebhookAsync("inventory_levels/update", ShopifyBodies.Bytes(echo), "level-echo")).Dispose();

        Assert.Equal(("processed", "unmapped"), Pair(await rig.Adapter.ProcessedAsync("level-drift")));
        Assert.Equal(("skipped", "echo"), Pair(await rig.Adapter.ProcessedAsync("level-echo")));
        Assert.Equal(123, await rig.Adapter.ScalarAsync<int>("SELECT available FROM channel_levels WHERE inventory_item_id = 123"));
    }

    private static (string, string?) Pair((string Status, string? Outcome, int Attempts)? delivery) => (delivery!.Value.Status, delivery.Value.Outcome);
}
