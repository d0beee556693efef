using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Core;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>Every refusal names a stable code and leaves the database exactly as it was.</summary>
public sealed class BadInputTests(TestServers servers) : InventoryTestBase(servers)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);

        // Let the setup's own availability event leave, so the outbox is empty before each refusal.
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT (SELECT count(*) FROM availability_dirty) + (SELECT count(*) FROM outbox)"),
            pending => pending == 0,
            what: "the setup's events to be relayed");
    }

    [Theory]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":5}""", 400, "missing_reason")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":5,"reason":"  "}""", 400, "missing_reason")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":5,"onHand":3,"reason":"receipt"}""", 400, "invalid_adjustment")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","reason":"receipt"}""", 400, "invalid_adjustment")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":0,"reason":"receipt"}""", 400, "invalid_quantity")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":-11,"reason":"damage"}""", 422, "negative_on_hand")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","onHand":-1,"reason":"cycle_count"}""", 422, "negative_on_hand")]
    [InlineData("""{"sku":"SKU-NEW","locationId":"WH-1","delta":-1,"reason":"damage"}""", 422, "negative_on_hand")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-NOWHERE","delta":5,"reason":"receipt"}""", 404, "unknown_location")]
    [InlineData("""{"sku":"SKU-NEW","locationId":"WH-NOWHERE","delta":5,"reason":"receipt"}""", 404, "unknown_location")]
    [InlineData("""{"sku":"has space","locationId":"WH-1","delta":5,"reason":"receipt"}""", 400, "invalid_sku")]
    [InlineData("""{"sku":"","locationId":"WH-1","delta":5,"reason":"receipt"}""", 400, "invalid_sku")]
    [InlineData("""{"sku":"SKU-A","delta":5,"reason":"receipt"}""", 400, "invalid_location")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":2000000000,"reason":"receipt"}""", 400, "invalid_quantity")]
    [InlineData("""{"sku":"SKU-A","locationId":"WH-1","delta":1.5,"reason":"receipt"}""", 400, "bad_request")]
    [InlineData("""{not json""", 400, "bad_request")]
    public async Task Bad_adjustments_are_refused_with_a_stable_code_and_change_nothing(string body, int status, string code)
    {
        var before = await SnapshotAsync();

        using var response = await Host.Admin.PostAsync("/admin/inventory/adjustments", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, status, code);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("""{"locationId":"WH-2","kind":"shop"}""", 400, "invalid_location_kind")]
    [InlineData("""{"kind":"warehouse"}""", 400, "invalid_location")]
    [InlineData("""{"locationId":"WH-2","kind":"3pl","rank":-1}""", 400, "invalid_location")]
    public async Task Bad_locations_are_refused_with_a_stable_code_and_change_nothing(string body, int status, string code)
    {
        var before = await SnapshotAsync();

        using var response = await Host.Admin.PostAsync("/admin/locations", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, status, code);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData("SKU-A", """{"channels":[{"channel":"amazon","sharePercent":150,"buffer":0}]}""", 400, "invalid_allocation")]
    [InlineData("SKU-A", """{"channels":[{"channel":"amazon","sharePercent":50,"buffer":-1}]}""", 400, "invalid_allocation")]
    [InlineData("SKU-A", """{"channels":[{"channel":"amazon","sharePercent":50,"buffer":0},{"channel":"amazon","sharePercent":20,"buffer":0}]}""", 400, "invalid_allocation")]
    [InlineData("SKU-A", """{"channels":[{"channel":"Amazon EU","sharePercent":50,"buffer":0}]}""", 400, "invalid_channel")]
    [InlineData("SKU-NONE", """{"channels":[{"channel":"amazon","sharePercent":50,"buffer":0}]}""", 404, "unknown_sku")]
    public async Task Bad_allocations_are_refused_with_a_stable_code_and_change_nothing(string sku, string body, int status, string code)
    {
        var before = await SnapshotAsync();

        using var response = await Host.Admin.PutAsync($"/admin/inventory/{sku}/allocations", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, status, code);
        Assert.Equal(before, await SnapshotAsync());
    }

    public static TheoryData<string, string> BadReservations => new()
    {
        { "unknown_sku", "SKU-NOPE:1" },
        { "invalid_quantity", "SKU-A:0" },
        { "invalid_quantity", "SKU-A:-3" },
        { "duplicate_line_id", "SKU-A:1,SKU-A:1@dup" },
        { "too_many_lines", "many:1001" },
        { "no_lines", string.Empty },
        { "invalid_order_id", "bad-order" },
        { "invalid_channel", "bad-channel" },
    };

    [Theory]
    [MemberData(nameof(BadReservations))]
    public async Task Bad_reservations_are_refused_with_a_stable_code_and_change_nothing(string code, string shape)
    {
        var before = await SnapshotAsync();
        var request = Order(Guid.NewGuid(), "shopify");
        switch (shape)
        {
            case "bad-order":
                request.OrderId = "not-a-uuid";
                request.Lines.Add(new ReservationLine { LineId = "1", Sku = "SKU-A", Quantity = 1 });
                break;
            case "bad-channel":
                request.Channel = string.Empty;
                request.Lines.Add(new ReservationLine { LineId = "1", Sku = "SKU-A", Quantity = 1 });
                break;
            case "many:1001":
                request.Lines.AddRange(Enumerable.Range(1, 1001).Select(i => new ReservationLine { LineId = $"{i}", Sku = "SKU-A", Quantity = 1 }));
                break;
            default:
                foreach (var (part, index) in shape.Split(',', StringSplitOptions.RemoveEmptyEntries).Select((p, i) => (p, i)))
                {
                    var sku = part.Split(':')[0];
                    var quantity = int.Parse(part.Split(':')[1].Split('@')[0], System.Globalization.CultureInfo.InvariantCulture);
                    request.Lines.Add(new ReservationLine { LineId = part.Contains('@', StringComparison.Ordinal) ? "1" : $"{index + 1}", Sku = sku, Quantity = quantity });
                }

                break;
        }

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Host.Grpc.ReserveOrderAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(code, ErrorCode(refused));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task Admin_routes_require_the_admin_key()
    {
        var before = await SnapshotAsync();
        using var anonymous = Host.App.CreateClient();
        using var wrongKey = Host.App.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-key");

        foreach (var client in new[] { anonymous, wrongKey })
        {
            using var location = await client.PostAsJsonAsync("/admin/locations", new { locationId = "WH-9", kind = "warehouse" });
            using var adjustment = await client.PostAsJsonAsync("/admin/inventory/adjustments", new { sku = "SKU-A", locationId = "WH-1", delta = 5, reason = "receipt" });
            using var allocations = await client.PutAsJsonAsync("/admin/inventory/SKU-A/allocations", new { channels = Array.Empty<object>() });
            using var read = await client.GetAsync("/admin/inventory/SKU-A");
            foreach (var response in new[] { location, adjustment, allocations, read })
            {
                await AssertProblemAsync(response, 401, "unauthorized");
            }
        }

        Assert.Equal(before, await SnapshotAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    /// <summary>Everything a refused request could have touched.</summary>
    private async Task<string> SnapshotAsync() => await Host.ScalarAsync<string>(
        """
        SELECT concat_ws(' | ',
            (SELECT string_agg(sku, ',' ORDER BY sku) FROM items),
            (SELECT string_agg(location_id || ':' || kind || ':' || rank, ',' ORDER BY location_id) FROM locations),
            (SELECT string_agg(concat_ws(':', sku, location_id, on_hand, reserved, safety_stock), ',' ORDER BY sku, location_id) FROM positions),
            (SELECT count(*) FROM ledger), (SELECT count(*) FROM reservations), (SELECT count(*) FROM backorders),
            (SELECT count(*) FROM channel_allocations), (SELECT count(*) FROM outbox))
        """);
}
