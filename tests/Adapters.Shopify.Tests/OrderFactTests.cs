using System.Net;
using System.Net.Http.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Contracts.Orders.V1;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Facts about one order in any order of arrival end in the same state; what cannot be taken is listed, not lost.</summary>
public sealed class OrderFactTests(TestServers servers)
{
    [Fact]
    public async Task Update_before_create_creates_the_order_from_the_update_and_the_late_create_is_stale()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();

        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0.AddMinutes(5), firstLineQuantity: 2)), "update")).Dispose();
        Assert.Equal("created", (await rig.Adapter.ProcessedAsync("update"))!.Value.Outcome);
        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0, firstLineQuantity: 1)), "create")).Dispose();

        Assert.Equal(("skipped", "stale"), Outcome(await rig.Adapter.ProcessedAsync("create")));
        var submitted = Assert.Single(rig.Calls.Submits);
        Assert.Equal(2, submitted.Lines[0].Quantity);
        Assert.Equal(2, rig.Calls.ByChannelOrderId(id.ToString())!.Lines[0].Quantity);
    }

    [Fact]
    public async Task Newer_update_after_create_is_submitted_as_a_change()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();

        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0)), "create")).Dispose();
        await rig.Adapter.ProcessedAsync("create");
        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0.AddMinutes(1), firstLineQuantity: 3)), "update")).Dispose();

        Assert.Equal(("processed", "updated"), Outcome(await rig.Adapter.ProcessedAsync("update")));
        Assert.Equal(3, rig.Calls.ByChannelOrderId(id.ToString())!.Lines[0].Quantity);
        Assert.Equal("paid", await rig.Adapter.ScalarAsync<string>("SELECT financial_status FROM shopify_orders WHERE shopify_order_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Same_state_again_under_a_new_webhook_id_is_skipped_as_a_duplicate()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();
        var body = ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0, firstLineQuantity: 2));

        (await rig.Adapter.PostWebhookAsync("orders/create", body, "first")).Dispose();
        Assert.Equal(("processed", "created"), Outcome(await rig.Adapter.ProcessedAsync("first")));
        (await rig.Adapter.PostWebhookAsync("orders/updated", body, "same-state")).Dispose();

        Assert.Equal(("skipped", "duplicate"), Outcome(await rig.Adapter.ProcessedAsync("same-state")));
        Assert.Single(rig.Calls.Submits);
    }

    [Fact]
    public async Task Change_within_the_same_second_as_the_applied_fact_is_still_submitted()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();

        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0, firstLineQuantity: 2)), "first")).Dispose();
        await rig.Adapter.ProcessedAsync("first");
        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0, firstLineQuantity: 3)), "same-second")).Dispose();

        Assert.Equal(("processed", "updated"), Outcome(await rig.Adapter.ProcessedAsync("same-second")));
        Assert.Equal(2, rig.Calls.Submits.Count);
        Assert.Equal(3, rig.Calls.ByChannelOrderId(id.ToString())!.Lines[0].Quantity);
    }

    [Fact]
    public async Task Cancellation_before_create_submits_then_cancels_and_every_later_fact_is_ignored()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();
        var cancelledAt = ShopifyBodies.T0.AddMinutes(10);

        (await rig.Adapter.PostWebhookAsync("orders/cancelled", ShopifyBodies.Bytes(ShopifyBodies.Order(id, cancelledAt, cancelledAt: cancelledAt)), "cancel")).Dispose();
        Assert.Equal(("processed", "cancelled"), Outcome(await rig.Adapter.ProcessedAsync("cancel")));
        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0)), "create")).Dispose();
        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, cancelledAt.AddMinutes(1), firstLineQuantity: 5)), "late-update")).Dispose();

        Assert.Equal(("skipped", "already_cancelled"), Outcome(await rig.Adapter.ProcessedAsync("create")));
        Assert.Equal(("skipped", "already_cancelled"), Outcome(await rig.Adapter.ProcessedAsync("late-update")));
        Assert.Single(rig.Calls.Submits);
        var cancel = Assert.Single(rig.Calls.Cancels);
        Assert.Contains("customer", cancel.Reason, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Cancelled, rig.Calls.ByChannelOrderId(id.ToString())!.Status);
    }

    [Fact]
    public async Task Unknown_sku_goes_on_the_exceptions_list_and_a_retry_after_mapping_the_sku_submits_the_order()
    {
        await using var rig = await AdapterRig.StartAsync(servers, adapter: new Dictionary<string, string?> { ["Shopify:RequireKnownSku"] = "true" });
        var id = ShopifyBodies.NewOrderId();

        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0)), "unknown-sku")).Dispose();

        Assert.Equal(("exception", ShopifyCodes.UnknownSku), Outcome(await rig.Adapter.ProcessedAsync("unknown-sku")));
        Assert.Empty(rig.Calls.Submits);
        var listed = Assert.Single(await rig.ListExceptionsAsync("?stage=mapping"));
        Assert.Equal((ShopifyCodes.UnknownSku, id, "unknown-sku"), (listed.Code, listed.ShopifyOrderId!.Value, listed.DeliveryId));

        var item = 100L;
        foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK" })
        {
            using var map = ShopifyHost.Admin(HttpMethod.Put, $"/admin/shopify/sku-map/{sku}");
            map.Content = JsonContent.Create(new { inventoryItemId = item++, locationId = 7 });
            (await rig.Adapter.Client.SendAsync(map)).EnsureSuccessStatusCode();
        }

        using var retry = await rig.Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Post, $"/admin/shopify/exceptions/{listed.Id}:retry"));

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(("processed", "created"), Outcome(await rig.Adapter.ProcessedAsync("unknown-sku")));
        Assert.Empty(await rig.ListExceptionsAsync("?status=open"));
    }

    [Fact]
    public async Task Refusal_by_the_order_service_is_listed_with_its_own_code_and_not_retried()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();
        rig.Calls.Refuse[id.ToString()] = "address_incomplete";

        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0)), "refused")).Dispose();

        Assert.Equal(("exception", "address_incomplete"), Outcome(await rig.Adapter.ProcessedAsync("refused")));
        var listed = Assert.Single(await rig.ListExceptionsAsync(""));
        Assert.Equal((ExceptionStage.OrderService, "address_incomplete"), (listed.Stage, listed.Code));
        Assert.Single(rig.Calls.Submits);
    }

    [Fact]
    public async Task Order_payload_without_an_id_is_a_schema_violation_on_the_exceptions_list()
    {
        await using var rig = await AdapterRig.StartAsync(servers);

        (await rig.Adapter.PostWebhookAsync("orders/create", """{"line_items": [], "updated_at": "2026-11-01T12:00:00Z"}""", "no-id")).Dispose();

        Assert.Equal(("exception", ShopifyCodes.SchemaViolation), Outcome(await rig.Adapter.ProcessedAsync("no-id")));
        Assert.Equal(ShopifyCodes.SchemaViolation, Assert.Single(await rig.ListExceptionsAsync("")).Code);
    }

    [Fact]
    public async Task Deliveries_of_different_orders_are_processed_side_by_side()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        rig.Calls.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ids = Enumerable.Range(0, 4).Select(_ => ShopifyBodies.NewOrderId()).ToList();

        foreach (var id in ids)
        {
            (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0)), $"side-{id}")).Dispose();
        }

        // One at a time, the first held call would keep the rest from ever reaching the order service.
        await Eventually.ReachesAsync(() => Task.FromResult(rig.Calls.MostInFlight), most => most >= 2, what: "two SubmitOrder calls at once");
        rig.Calls.Hold.SetResult();
        foreach (var id in ids)
        {
            Assert.Equal(("processed", "created"), Outcome(await rig.Adapter.ProcessedAsync($"side-{id}")));
        }

        Assert.Equal(4, rig.Calls.Created);
    }

    [Fact]
    public async Task Facts_of_one_order_processed_together_end_with_the_newest_and_one_order()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        rig.Calls.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = ShopifyBodies.NewOrderId();

        // Out of order and each twice (a second delivery of the same event, and the same fact as a new event).
        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0.AddMinutes(5), firstLineQuantity: 4)), "together-update")).Dispose();
        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0, firstLineQuantity: 1)), "together-create")).Dispose();
        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0.AddMinutes(5), firstLineQuantity: 4)), "together-update")).Dispose();
        (await rig.Adapter.PostWebhookAsync("orders/updated", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0.AddMinutes(5), firstLineQuantity: 4)), "together-update-again")).Dispose();
        (await rig.Adapter.PostWebhookAsync("orders/create", ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0, firstLineQuantity: 1)), "together-create-again")).Dispose();
        await Eventually.ReachesAsync(() => Task.FromResult(rig.Calls.MostInFlight), most => most >= 1, what: "the first SubmitOrder");
        rig.Calls.Hold.SetResult();

        foreach (var delivery in new[] { "together-update", "together-create", "together-update-again", "together-create-again" })
        {
            Assert.NotEqual("received", (await rig.Adapter.ProcessedAsync(delivery))!.Value.Status);
        }

        Assert.Equal(1, rig.Calls.Created);
        Assert.Equal(4, rig.Calls.ByChannelOrderId(id.ToString())!.Lines[0].Quantity);
        // The create is submitted only if it won the order's lock before the update; the duplicates never are.
        Assert.InRange(rig.Calls.Submits.Count, 1, 2);
        Assert.Equal(rig.Calls.Submits.Count, rig.Calls.Submits.Select(s => s.Lines[0].Quantity).Distinct().Count());
    }

    private static (string, string?) Outcome((string Status, string? Outcome, int Attempts)? delivery) => (delivery!.Value.Status, delivery.Value.Outcome);
}
