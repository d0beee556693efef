using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;

namespace Distribution.Aspire.EndToEnd.Tests;

/// <summary>
/// Orders from partners through the gateway, reserved by InventoryService over events, accepted or
/// backordered by OrderService: the whole order–inventory flow on the real topology.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class OrderFlowTests(TopologyFixture topology)
{
    private static readonly string[] Channels = ["b2b-east", "b2b-west", "wholesale"];

    [Fact]
    public async Task Two_hundred_concurrent_orders_for_fifty_units_reserve_exactly_fifty_and_backorder_the_rest()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var run = Guid.NewGuid().ToString("N")[..8];
        var sku = $"FLOW-{run}";
        using var gateway = topology.CreateGatewayClient();
        var keys = new List<string>();
        foreach (var channel in Channels)
        {
            keys.Add(await CreatePartnerAsync(gateway, $"{channel}-{run}", channel, cancellation));
        }

        await AdminPostAsync(gateway, "/admin/locations", new { locationId = $"EAST-{run}", kind = "warehouse" }, cancellation);
        await AdminPostAsync(gateway, "/admin/locations", new { locationId = $"WEST-{run}", kind = "warehouse" }, cancellation);
        await AdminPostAsync(gateway, "/admin/inventory/adjustments", new { sku, locationId = $"EAST-{run}", delta = 30, reason = "receipt" }, cancellation);
        await AdminPostAsync(gateway, "/admin/inventory/adjustments", new { sku, locationId = $"WEST-{run}", delta = 20, reason = "receipt" }, cancellation);

        var submitted = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var key = keys[i % keys.Count];
            var order = await SubmitAsync(gateway, key, $"PO-{run}-{i}", sku, cancellation);
            return (Key: key, OrderId: order.GetProperty("orderId").GetString()!);
        }));

        var statuses = await WaitForSettledAsync(gateway, submitted, cancellation);
        Assert.Equal(50, statuses.Count(IsReserved));
        Assert.Equal(150, statuses.Count(s => s == "backordered"));

        var inventory = await InventoryDatabaseAsync(cancellation);
        await using (var positions = inventory.CreateCommand("SELECT sum(on_hand), sum(reserved) FROM positions WHERE sku = $1"))
        {
            positions.Parameters.Add(new NpgsqlParameter { Value = sku });
            await using var reader = await positions.ExecuteReaderAsync(cancellation);
            Assert.True(await reader.ReadAsync(cancellation));
            Assert.Equal(50L, reader.GetInt64(0));
            Assert.Equal(50L, reader.GetInt64(1));
        }

        // Replaying the ledger entry by entry, no position was ever below zero or over-reserved.
        await using (var ledger = inventory.CreateCommand(
            """
            SELECT count(*) FROM (
              SELECT sum(on_hand_delta) OVER w AS on_hand, sum(reserved_delta) OVER w AS reserved
              FROM ledger WHERE sku = $1
              WINDOW w AS (PARTITION BY location_id ORDER BY entry_id)) running
            WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand
            """))
        {
            ledger.Parameters.Add(new NpgsqlParameter { Value = sku });
            Assert.Equal(0L, (long)(await ledger.ExecuteScalarAsync(cancellation))!);
        }

        using var availability = await SendAsync(gateway, HttpMethod.Get, $"/v1/inventory/{sku}", keys[0], null, cancellation);
        Assert.Equal(HttpStatusCode.OK, availability.StatusCode);
        Assert.Equal(0, (await availability.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("available").GetInt32());

        // A cancel gives its unit back, and the oldest backorder of the highest priority takes it.
        var accepted = submitted.Zip(statuses).First(pair => IsReserved(pair.Second)).First;
        using (var cancel = await SendAsync(gateway, HttpMethod.Post, $"/v1/orders/{accepted.OrderId}:cancel", accepted.Key, new { reason = "customer changed mind" }, cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var afterCancel = await WaitForAsync(
            () => StatusesAsync(gateway, submitted, cancellation),
            s => s.Count(IsReserved) == 50 && s.Count(x => x == "cancelled") == 1,
            cancellation);
        Assert.Equal(149, afterCancel.Count(s => s == "backordered"));
    }

    [Fact]
    public async Task The_same_channel_order_twice_is_one_order_and_another_partner_cannot_see_it()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var run = Guid.NewGuid().ToString("N")[..8];
        using var gateway = topology.CreateGatewayClient();
        var owner = await CreatePartnerAsync(gateway, $"owner-{run}", "b2b", cancellation);
        var stranger = await CreatePartnerAsync(gateway, $"stranger-{run}", "b2b", cancellation);

        var first = await SubmitAsync(gateway, owner, $"PO-{run}", $"NOSTOCK-{run}", cancellation);
        var second = await SubmitAsync(gateway, owner, $"PO-{run}", $"NOSTOCK-{run}", cancellation);
        Assert.Equal(first.GetProperty("orderId").GetString(), second.GetProperty("orderId").GetString());

        using var theirs = await SendAsync(gateway, HttpMethod.Get, $"/v1/orders/{first.GetProperty("orderId").GetString()}", stranger, null, cancellation);
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        using var byChannelId = await SendAsync(gateway, HttpMethod.Get, $"/v1/orders?channelOrderId=PO-{run}", stranger, null, cancellation);
        Assert.DoesNotContain(first.GetProperty("orderId").GetString()!, await byChannelId.Content.ReadAsStringAsync(cancellation), StringComparison.Ordinal);
    }

    private async Task<NpgsqlDataSource> InventoryDatabaseAsync(CancellationToken cancellation) =>
        NpgsqlDataSource.Create((await topology.App.GetConnectionStringAsync("inventorydb", cancellation))!);

    private static async Task<string> CreatePartnerAsync(HttpClient gateway, string partnerId, string channel, CancellationToken cancellation)
    {
        using var response = await AdminPostAsync(
            gateway,
            "/admin/partners",
            new { partnerId, kind = "b2b", channel, scopes = new[] { "orders", "inventory" }, rateLimit = new { perSecond = 1000, burst = 1000 } },
            cancellation);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("apiKey").GetString()!;
    }

    private static async Task<HttpResponseMessage> AdminPostAsync(HttpClient gateway, string path, object body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Admin-Key", TopologyFixture.AdminKey);
        var response = await gateway.SendAsync(request, cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
        return response;
    }

    private static async Task<JsonElement> SubmitAsync(HttpClient gateway, string apiKey, string channelOrderId, string sku, CancellationToken cancellation)
    {
        var body = new
        {
            channelOrderId,
            currency = "USD",
            shipTo = new { name = "Flow Buyer", line1 = "1 Main St", city = "Springfield", region = "IL", postalCode = "62701", country = "US" },
            lines = new[] { new { lineId = "1", sku, quantity = 1, unitPrice = "10.00" } },
        };
        using var response = await SendAsync(gateway, HttpMethod.Post, "/v1/orders", apiKey, body, cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellation);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient gateway, HttpMethod method, string path, string apiKey, object? body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", apiKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await gateway.SendAsync(request, cancellation);
    }

    private static async Task<string[]> StatusesAsync(HttpClient gateway, IEnumerable<(string Key, string OrderId)> orders, CancellationToken cancellation)
    {
        var statuses = new List<string>();
        foreach (var (key, orderId) in orders)
        {
            using var response = await SendAsync(gateway, HttpMethod.Get, $"/v1/orders/{orderId}", key, null, cancellation);
            statuses.Add((await response.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("status").GetString()!);
        }

        return [.. statuses];
    }

    private static Task<string[]> WaitForSettledAsync(HttpClient gateway, IEnumerable<(string Key, string OrderId)> orders, CancellationToken cancellation) =>
        WaitForAsync(() => StatusesAsync(gateway, orders, cancellation), s => s.All(x => IsReserved(x) || x == "backordered"), cancellation);

    // FulfillmentService releases an accepted order to its warehouse at once, so a reserved order is
    // seen as accepted or, a moment later, released.
    private static bool IsReserved(string status) => status is "accepted" or "released";

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(250, cancellation);
        }
    }
}
