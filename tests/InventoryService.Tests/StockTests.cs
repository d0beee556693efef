using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Distribution.Aspire.InventoryService.Tests;

public sealed class StockTests(TestServers servers) : InventoryTestBase(servers)
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Set_on_hand_ignores_counts_older_than_the_last_applied()
    {
        await Host.CreateLocationAsync("3PL-1", kind: "3pl");

        var first = await CountAsync(10, Noon.AddHours(2));
        var older = await CountAsync(4, Noon.AddHours(1));
        var same = await CountAsync(4, Noon.AddHours(2));
        var olderOverGrpc = await Host.Grpc.SetOnHandAsync(new SetOnHandRequest
        {
            Sku = "SKU-A", LocationId = "3PL-1", OnHand = 1, CountedAt = Timestamp.FromDateTimeOffset(Noon), Reason = "846",
        });
        var newer = await CountAsync(7, Noon.AddHours(3));

        Assert.Equal((true, 10), first);
        Assert.Equal((false, 10), older);
        Assert.Equal((false, 10), same);
        Assert.Equal((false, 10), (olderOverGrpc.Applied, olderOverGrpc.Position.OnHand));
        Assert.Equal((true, 7), newer);
        Assert.Equal((7, 0, 0), (await Host.PositionsAsync("SKU-A"))["3PL-1"]);
        Assert.Equal(2, await Host.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE reason = 'inventory_advice'"));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task A_count_sent_again_with_sub_microsecond_time_is_not_applied_twice()
    {
        await Host.CreateLocationAsync("3PL-1", kind: "3pl");
        var countedAt = Noon.AddTicks(5);

        var first = await CountAsync(10, countedAt);
        await Host.AdjustAsync("SKU-A", "3PL-1", -3);
        var again = await CountAsync(10, countedAt);

        Assert.Equal((true, 10), first);
        Assert.Equal((false, 7), again);
        Assert.Equal((7, 0, 0), (await Host.PositionsAsync("SKU-A"))["3PL-1"]);
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task The_first_adjustment_of_a_new_sku_creates_the_item()
    {
        await Host.CreateLocationAsync("WH-1");
        using var missing = await Host.Admin.GetAsync("/admin/inventory/SKU-NEW");
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "b2b", ("1", "SKU-NEW", 1))));

        await Host.AdjustAsync("SKU-NEW", "WH-1", 5);
        var inventory = await Host.Admin.GetFromJsonAsync<JsonElement>("/admin/inventory/SKU-NEW");
        var reserved = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "b2b", ("1", "SKU-NEW", 1)));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("unknown_sku", ErrorCode(refused));
        Assert.Equal(5, inventory.GetProperty("available").GetInt32());
        Assert.True(reserved.Reserved);
    }

    [Fact]
    public async Task Reservations_never_take_safety_stock()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);
        using var safety = await Host.Admin.PutAsJsonAsync("/admin/inventory/SKU-A/safety-stock", new { locationId = "WH-1", safetyStock = 4 });
        safety.EnsureSuccessStatusCode();

        var tooMuch = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "b2b", ("1", "SKU-A", 7)));
        var enough = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "b2b", ("1", "SKU-A", 6)));

        Assert.False(tooMuch.Reserved);
        Assert.Equal(6, Assert.Single(tooMuch.Shortages).Available);
        Assert.True(enough.Reserved);
        Assert.Equal((10, 6, 4), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task A_count_below_what_is_reserved_is_applied_and_leaves_nothing_to_promise()
    {
        await Host.CreateLocationAsync("3PL-1", kind: "3pl");
        await CountAsync(5, Noon);
        var orderId = Guid.NewGuid();
        await Host.Grpc.ReserveOrderAsync(Order(orderId, "amazon", ("1", "SKU-A", 4)));

        Assert.Equal((true, 2), await CountAsync(2, Noon.AddHours(1)));
        var availability = await Host.Grpc.GetAvailabilityAsync(new GetAvailabilityRequest { Sku = "SKU-A" });
        await Host.Grpc.CommitShipmentAsync(new CommitShipmentRequest
        {
            OrderId = orderId.ToString(), ShipmentId = "SHIP-1", Lines = { new CommittedLine { LineId = "1", Quantity = 4 } },
        });

        Assert.Equal(0, availability.Available);
        Assert.Equal((0, 0, 0), (await Host.PositionsAsync("SKU-A"))["3PL-1"]);
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    private async Task<(bool Applied, int OnHand)> CountAsync(int onHand, DateTimeOffset countedAt)
    {
        using var response = await Host.Admin.PostAsJsonAsync(
            "/admin/inventory/adjustments", new { sku = "SKU-A", locationId = "3PL-1", onHand, countedAt, reason = "inventory_advice" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return (body.GetProperty("applied").GetBoolean(), body.GetProperty("position").GetProperty("onHand").GetInt32());
    }
}
