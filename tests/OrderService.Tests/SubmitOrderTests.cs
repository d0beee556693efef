using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>SubmitOrder over the partner JSON surface and gRPC: creation, idempotency, updates by state.</summary>
public sealed class SubmitOrderTests(OrderHost host) : IClassFixture<OrderHost>
{
    private const string ReceivedType = "distribution.order.received.v1";

    [Fact]
    public async Task First_submission_creates_a_received_order_and_answers_201_with_its_location()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();

        using var response = await partner.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"/v1/orders/{order.OrderId()}", response.Headers.Location?.ToString());
        Assert.Equal("received", order.Status());
        Assert.Equal("created", order["outcome"]!.GetValue<string>());
        Assert.Equal(body["channelOrderId"]!.GetValue<string>(), order["channelOrderId"]!.GetValue<string>());
        Assert.Equal(2, order["lines"]!.AsArray().Count);

        var published = await host.PublishedAsync(ReceivedType, order.OrderId());
        var received = Assert.Single(published);
        Assert.Equal("acme", received.GetProperty("partnerId").GetString());
        Assert.Equal("merchant", received.GetProperty("fulfillmentChannel").GetString());
        Assert.Equal(2, received.GetProperty("lines").GetArrayLength());
    }

    [Fact]
    public async Task Totals_are_computed_exactly_and_money_is_returned_as_decimal_strings()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();
        body["lines"]![0]!["unitPrice"] = "19.99";
        body["lines"]![0]!["discount"] = "1.5";
        body["lines"]![0]!["tax"] = "0.0125";
        body["lines"]![1]!["unitPrice"] = "0.10";
        body["lines"]![1]!["currency"] = "USD";

        var order = await partner.SubmitOkAsync(body);

        var first = order["lines"]![0]!;
        Assert.Equal("19.99", first["unitPrice"]!.GetValue<string>());
        Assert.Equal("18.5025", first["total"]!.GetValue<string>());
        var totals = order["totals"]!;
        Assert.Equal("20.19", totals["subtotal"]!.GetValue<string>());
        Assert.Equal("1.50", totals["discount"]!.GetValue<string>());
        Assert.Equal("0.0125", totals["tax"]!.GetValue<string>());
        Assert.Equal("18.7025", totals["total"]!.GetValue<string>());
        Assert.Equal(18.7025m, await host.ScalarAsync<decimal>("SELECT total FROM orders WHERE order_id = @p0", order.OrderId()));
    }

    [Fact]
    public async Task The_same_order_again_answers_200_with_the_same_id_and_changes_nothing()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();
        var first = await partner.SubmitOkAsync(body);

        using var again = await partner.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(first.OrderId(), second.OrderId());
        Assert.Equal("unchanged", second["outcome"]!.GetValue<string>());
        Assert.Equal($"/v1/orders/{first.OrderId()}", again.Headers.Location?.ToString());
        Assert.Equal(first["version"]!.GetValue<long>(), second["version"]!.GetValue<long>());
        Assert.Single(second["history"]!.AsArray());
        Assert.Single(await host.PublishedAsync(ReceivedType, first.OrderId()));
    }

    [Fact]
    public async Task Twenty_concurrent_identical_submissions_create_one_order_and_one_order_received()
    {
        var body = OrderBodies.Valid();
        var key = body["channelOrderId"]!.GetValue<string>();
        var clients = Enumerable.Range(0, 20).Select(_ => host.Partner("acme-concurrent")).ToList();

        var answers = await Task.WhenAll(clients.Select(async client =>
        {
            using var response = await client.SubmitAsync(body);
            return (response.StatusCode, Body: (await response.Content.ReadFromJsonAsync<JsonObject>())!);
        }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.OK && a.Body["outcome"]!.GetValue<string>() == "unchanged"));
        var orderId = Assert.Single(answers.Select(a => a.Body.OrderId()).Distinct());
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE channel_order_id = @p0", key));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM order_status_history WHERE order_id = @p0", orderId));
        Assert.Single(await host.PublishedAsync(ReceivedType, orderId));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task A_new_address_before_release_updates_the_order_and_notes_it_in_the_history()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();
        var first = await partner.SubmitOkAsync(body);
        body["shipTo"]!["line1"] = "2 Other Rd";
        body["priority"] = 5;

        var updated = await partner.SubmitOkAsync(body);

        Assert.Equal(first.OrderId(), updated.OrderId());
        Assert.Equal("updated", updated["outcome"]!.GetValue<string>());
        Assert.Equal("2 Other Rd", updated["shipTo"]!["line1"]!.GetValue<string>());
        Assert.Equal(5, updated["priority"]!.GetValue<int>());
        Assert.Equal(first["version"]!.GetValue<long>() + 1, updated["version"]!.GetValue<long>());
        var history = updated["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("received", history[1]!["status"]!.GetValue<string>());
        Assert.Contains("shipTo", history[1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("Other Rd", history[1]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same update again is a plain resubmission.
        var repeated = await partner.SubmitOkAsync(body);
        Assert.Equal("unchanged", repeated["outcome"]!.GetValue<string>());
        Assert.Single(await host.PublishedAsync(ReceivedType, first.OrderId()));
    }

    [Fact]
    public async Task A_new_address_after_release_is_refused_with_order_not_modifiable()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();
        body["fulfillmentChannel"] = "marketplace";
        var order = await partner.SubmitOkAsync(body);
        await host.Grpc.ReleaseOrderAsync(new Proto.ReleaseOrderRequest { OrderId = order.OrderId().ToString() });
        body["shipTo"]!["line1"] = "2 Other Rd";

        using var response = await partner.SubmitAsync(body);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "order_not_modifiable");
        var stored = await partner.GetOrderAsync(order.OrderId());
        Assert.Equal("1 Main St", stored["shipTo"]!["line1"]!.GetValue<string>());
        Assert.Equal("released", stored.Status());
    }

    [Fact]
    public async Task Changed_lines_are_refused_with_order_lines_locked()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();
        var order = await partner.SubmitOkAsync(body);
        body["lines"]![0]!["quantity"] = 7;
        body["shipTo"]!["line1"] = "2 Other Rd";

        using var response = await partner.SubmitAsync(body);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "order_lines_locked");
        var stored = await partner.GetOrderAsync(order.OrderId());
        Assert.Equal(1, stored["lines"]![0]!["quantity"]!.GetValue<int>());
        Assert.Equal("1 Main St", stored["shipTo"]!["line1"]!.GetValue<string>());
        Assert.Equal(1, stored["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_marketplace_fulfilled_order_is_accepted_at_once_without_reserving()
    {
        using var partner = host.Partner("amazon-eu", "amazon");
        var body = OrderBodies.Valid();
        body["fulfillmentChannel"] = "marketplace";

        var order = await partner.SubmitOkAsync(body);

        Assert.Equal("accepted", order.Status());
        Assert.Equal(["received", "accepted"], order["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        var stored = await partner.GetOrderAsync(order.OrderId());
        Assert.Equal(["received", "accepted"], stored["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal(order["lines"]!.ToJsonString(), stored["lines"]!.ToJsonString());
        var received = Assert.Single(await host.PublishedAsync(ReceivedType, order.OrderId()));
        Assert.Equal("marketplace", received.GetProperty("fulfillmentChannel").GetString());
        var accepted = Assert.Single(await host.PublishedAsync("distribution.order.accepted.v1", order.OrderId()));
        Assert.Equal(0, accepted.GetProperty("allocations").GetArrayLength());
        Assert.Equal("amazon", accepted.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task The_same_channel_order_id_from_two_partners_makes_two_orders()
    {
        using var first = host.Partner("partner-one");
        using var second = host.Partner("partner-two");
        var body = OrderBodies.Valid();

        var a = await first.SubmitOkAsync(body);
        var b = await second.SubmitOkAsync(body);

        Assert.NotEqual(a.OrderId(), b.OrderId());
        Assert.Equal("created", b["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_sku_is_accepted_because_inventory_owns_skus()
    {
        using var partner = host.Partner("acme");
        var body = OrderBodies.Valid();
        body["lines"]![0]!["sku"] = "NO-SUCH-SKU";

        using var response = await partner.SubmitAsync(body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Grpc_submission_is_idempotent_and_reports_its_outcome()
    {
        var request = GrpcOrders.Request("shopify", "shop-1", OrderBodies.NewChannelOrderId());

        var created = await host.Grpc.SubmitOrderAsync(request);
        var again = await host.Grpc.SubmitOrderAsync(request);
        request.ShipTo.City = "Shelbyville";
        var updated = await host.Grpc.SubmitOrderAsync(request);
        request.Lines[0].Quantity = 9;
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SubmitOrderAsync(request).ResponseAsync);

        Assert.Equal(Proto.SubmitOutcome.Created, created.Outcome);
        Assert.Equal(Proto.OrderStatus.Received, created.Order.Status);
        Assert.Equal("20.00", created.Order.Totals.Total.Amount);
        Assert.Equal(Proto.SubmitOutcome.Unchanged, again.Outcome);
        Assert.Equal(created.Order.OrderId, again.Order.OrderId);
        Assert.Equal(Proto.SubmitOutcome.Updated, updated.Outcome);
        Assert.Equal("Shelbyville", updated.Order.ShipTo.City);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("order_lines_locked", refused.Trailers.GetValue("error-code"));
    }
}
