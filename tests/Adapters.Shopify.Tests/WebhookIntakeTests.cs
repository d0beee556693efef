using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>The webhook door: stored once and acknowledged, or refused with problem details and kept for operators.</summary>
public sealed class WebhookIntakeTests(TestServers servers)
{
    [Fact]
    public async Task Same_event_delivered_twice_is_stored_once_and_submitted_once()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var id = ShopifyBodies.NewOrderId();
        var body = ShopifyBodies.Bytes(ShopifyBodies.Order(id, ShopifyBodies.T0));

        using var first = await rig.Adapter.PostWebhookAsync("orders/create", body, "event-1", "webhook-1");
        using var second = await rig.Adapter.PostWebhookAsync("orders/create", body, "event-1", "webhook-2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("accepted", (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(("processed", "created"), ((await rig.Adapter.ProcessedAsync("event-1"))!.Value.Status, (await rig.Adapter.DeliveryAsync("event-1"))!.Value.Outcome));
        Assert.Single(rig.Calls.Submits, s => s.ChannelOrderId == id.ToString());
        Assert.Equal(1L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries"));
    }

    [Fact]
    public async Task Without_an_event_id_the_webhook_id_deduplicates()
    {
        await using var rig = await AdapterRig.StartAsync(servers);
        var body = ShopifyBodies.Bytes(ShopifyBodies.Order(ShopifyBodies.NewOrderId(), ShopifyBodies.T0));

        using var first = await rig.Adapter.PostWebhookAsync("orders/create", body, eventId: null, webhookId: "webhook-only");
        using var second = await rig.Adapter.PostWebhookAsync("orders/create", body, eventId: null, webhookId: "webhook-only");

        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await rig.Adapter.ProcessedAsync("webhook-only");
        Assert.Single(rig.Calls.Submits);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_problem_details_stored_nowhere_but_on_the_exceptions_list()
    {
        await using var rig = await AdapterRig.StartAsync(servers);

        using var response = await rig.Adapter.PostWebhookAsync("orders/create", """{"id": 1, "line_items": [""", "bad-json-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ShopifyCodes.MalformedJson, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries"));

        var listed = Assert.Single(await rig.ListExceptionsAsync("?stage=intake"));
        Assert.Equal((ShopifyCodes.MalformedJson, "bad-json-1", "orders/create", ShopifyHost.PartnerId), (listed.Code, listed.DeliveryId, listed.Topic, listed.PartnerId));
        using var detail = await rig.Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Get, $"/admin/shopify/exceptions/{listed.Id}"));
        Assert.Equal("""{"id": 1, "line_items": [""", (await detail.Content.ReadFromJsonAsync<ShopifyException>())!.Body);
    }

    [Fact]
    public async Task The_same_bad_delivery_again_counts_an_occurrence_instead_of_a_new_row()
    {
        await using var rig = await AdapterRig.StartAsync(servers);

        (await rig.Adapter.PostWebhookAsync("orders/create", "[1, 2]", "not-an-object")).Dispose();
        (await rig.Adapter.PostWebhookAsync("orders/create", "[1, 2]", "not-an-object")).Dispose();

        var listed = Assert.Single(await rig.ListExceptionsAsync(""));
        Assert.Equal((ShopifyCodes.MalformedJson, 2), (listed.Code, listed.Occurrences));
    }

    [Theory]
    [InlineData("products/create", "evt-a", true, HttpStatusCode.BadRequest, ShopifyCodes.UnknownTopic)]
    [InlineData("orders/create", null, true, HttpStatusCode.BadRequest, ShopifyCodes.MissingDeliveryId)]
    [InlineData("orders/create", "evt-b", false, HttpStatusCode.Unauthorized, ShopifyCodes.PartnerMissing)]
    public async Task Requests_the_adapter_cannot_store_are_refused_with_a_stable_code(string topic, string? eventId, bool withPartner, HttpStatusCode status, string code)
    {
        await using var rig = await AdapterRig.StartAsync(servers);

        using var response = await rig.Adapter.PostWebhookAsync(topic, Encoding.UTF8.GetBytes("""{"id": 1}"""), eventId, withPartner: withPartner);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries"));
        Assert.Contains(await rig.ListExceptionsAsync("?stage=intake"), e => e.Code == code);
    }

    [Fact]
    public async Task Huge_body_is_refused_with_413_and_only_a_prefix_is_kept()
    {
        await using var rig = await AdapterRig.StartAsync(servers, adapter: new Dictionary<string, string?>
        {
            ["Shopify:MaxWebhookBytes"] = "1024",
            ["Shopify:MaxStoredRejectedBytes"] = "100",
        });
        var body = Encoding.UTF8.GetBytes("{\"note\": \"" + new string('x', 5000) + "\"}");

        using var response = await rig.Adapter.PostWebhookAsync("orders/create", body, "huge-1");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ShopifyCodes.PayloadTooLarge, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var listed = Assert.Single(await rig.ListExceptionsAsync(""));
        Assert.Equal((body.Length, true), ((int)listed.BodyBytes, listed.BodyTruncated));
        using var detail = await rig.Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Get, $"/admin/shopify/exceptions/{listed.Id}"));
        Assert.Equal(100, (await detail.Content.ReadFromJsonAsync<ShopifyException>())!.Body!.Length);
    }

    [Fact]
    public async Task Exceptions_list_needs_the_admin_key()
    {
        await using var rig = await AdapterRig.StartAsync(servers);

        using var response = await rig.Adapter.Client.GetAsync("/admin/shopify/exceptions");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
