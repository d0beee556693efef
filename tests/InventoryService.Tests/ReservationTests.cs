using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Core;

namespace Distribution.Aspire.InventoryService.Tests;

public sealed class ReservationTests(TestServers servers) : InventoryTestBase(servers)
{
    [Fact]
    public async Task Reserve_fails_whole_order_when_one_line_is_short()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);
        await Host.AdjustAsync("SKU-B", "WH-1", 1);
        var orderId = Guid.NewGuid();

        var response = await Host.Grpc.ReserveOrderAsync(Order(orderId, "shopify", ("1", "SKU-A", 2), ("2", "SKU-B", 2)));

        Assert.False(response.Reserved);
        Assert.Empty(response.Allocations);
        var shortage = Assert.Single(response.Shortages);
        Assert.Equal(("SKU-B", 2, 1), (shortage.Sku, shortage.Requested, shortage.Available));
        Assert.Equal(0, (await Host.PositionsAsync("SKU-A"))["WH-1"].Reserved);
        Assert.Equal(0, (await Host.PositionsAsync("SKU-B"))["WH-1"].Reserved);
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM reservations"));
        Assert.Equal("backordered", await Host.ScalarAsync<string>("SELECT state FROM orders WHERE order_id = @id", ("id", orderId)));
        var failed = await Eventually.ReachesAsync(() => Host.EventsAsync("distribution.inventory.reservation_failed.v1"), e => e.Count == 1);
        Assert.Equal(orderId, failed[0].Data.GetProperty("orderId").GetGuid());
        Assert.Equal("SKU-B", failed[0].Data.GetProperty("shortages")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Repeating_a_reservation_answers_the_first_outcome_and_holds_nothing_more()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);
        var orderId = Guid.NewGuid();
        var shortId = Guid.NewGuid();

        var first = await Host.Grpc.ReserveOrderAsync(Order(orderId, "b2b", ("1", "SKU-A", 3)));
        var repeat = await Host.Grpc.ReserveOrderAsync(Order(orderId, "b2b", ("1", "SKU-A", 5), ("2", "SKU-A", 1)));
        var firstShort = await Host.Grpc.ReserveOrderAsync(Order(shortId, "b2b", ("1", "SKU-A", 50)));
        var repeatShort = await Host.Grpc.ReserveOrderAsync(Order(shortId, "b2b", ("1", "SKU-A", 1)));

        Assert.True(first.Reserved);
        Assert.Equal(first, repeat);
        Assert.False(firstShort.Reserved);
        Assert.Equal(firstShort, repeatShort);
        Assert.Equal((10, 3, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.Equal(1, await Host.ScalarAsync<long>("SELECT count(*) FROM backorders"));
        await Task.Delay(500);
        Assert.Single(await Host.EventsAsync("distribution.inventory.reserved.v1"));
        Assert.Single(await Host.EventsAsync("distribution.inventory.reservation_failed.v1"));
    }

    [Fact]
    public async Task One_location_that_can_ship_every_line_is_preferred_over_a_split()
    {
        await Host.CreateLocationAsync("WH-A");
        await Host.CreateLocationAsync("WH-B");
        await Host.AdjustAsync("SKU-A", "WH-A", 50);
        await Host.AdjustAsync("SKU-A", "WH-B", 5);
        await Host.AdjustAsync("SKU-B", "WH-B", 5);

        var response = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "shopify", ("1", "SKU-A", 3), ("2", "SKU-B", 2)));

        Assert.True(response.Reserved);
        Assert.All(response.Allocations, a => Assert.Equal("WH-B", a.LocationId));
        Assert.Equal([("1", 3), ("2", 2)], response.Allocations.Select(a => (a.LineId, a.Quantity)));
    }

    [Fact]
    public async Task Among_locations_that_can_ship_everything_the_lowest_rank_then_the_most_stock_wins()
    {
        await Host.CreateLocationAsync("WH-BIG", rank: 100);
        await Host.CreateLocationAsync("WH-SMALL", rank: 100);
        await Host.CreateLocationAsync("3PL-PREFERRED", rank: 10, kind: "3pl");
        await Host.AdjustAsync("SKU-A", "WH-BIG", 40);
        await Host.AdjustAsync("SKU-A", "WH-SMALL", 20);

        var byStock = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "amazon", ("1", "SKU-A", 2)));
        await Host.AdjustAsync("SKU-A", "3PL-PREFERRED", 3);
        var byRank = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "amazon", ("1", "SKU-A", 2)));

        Assert.Equal("WH-BIG", Assert.Single(byStock.Allocations).LocationId);
        Assert.Equal("3PL-PREFERRED", Assert.Single(byRank.Allocations).LocationId);
    }

    [Fact]
    public async Task Lines_split_across_locations_when_no_single_location_can_ship_everything()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.CreateLocationAsync("WH-2");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        await Host.AdjustAsync("SKU-A", "WH-2", 5);
        await Host.AdjustAsync("SKU-B", "WH-2", 3);

        var response = await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "shopify", ("1", "SKU-A", 8), ("2", "SKU-B", 2)));

        Assert.True(response.Reserved);
        Assert.Equal(
            [("1", "SKU-A", "WH-1", 5), ("1", "SKU-A", "WH-2", 3), ("2", "SKU-B", "WH-2", 2)],
            response.Allocations.Select(a => (a.LineId, a.Sku, a.LocationId, a.Quantity)));
        Assert.Equal((5, 5, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.Equal((5, 3, 0), (await Host.PositionsAsync("SKU-A"))["WH-2"]);
        Assert.Equal((3, 2, 0), (await Host.PositionsAsync("SKU-B"))["WH-2"]);
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task Release_gives_back_what_the_order_holds_and_answers_the_same_when_repeated()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);
        var orderId = Guid.NewGuid();
        await Host.Grpc.ReserveOrderAsync(Order(orderId, "shopify", ("1", "SKU-A", 4)));

        var released = await Host.Grpc.ReleaseOrderAsync(new ReleaseOrderRequest { OrderId = orderId.ToString(), Reason = "customer" });
        var again = await Host.Grpc.ReleaseOrderAsync(new ReleaseOrderRequest { OrderId = orderId.ToString(), Reason = "customer" });

        Assert.Equal(4, Assert.Single(released.Released).Quantity);
        Assert.Equal(released, again);
        Assert.Equal((10, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.Equal(1, await Host.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE reason = 'release'"));
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Host.Grpc.ReserveOrderAsync(Order(orderId, "shopify", ("1", "SKU-A", 4))));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("order_cancelled", ErrorCode(refused));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task Commit_drops_on_hand_and_reserved_once_per_shipment()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);
        var orderId = Guid.NewGuid();
        await Host.Grpc.ReserveOrderAsync(Order(orderId, "b2b", ("1", "SKU-A", 5)));

        var first = await Host.Grpc.CommitShipmentAsync(Shipment(orderId, "SHIP-1", 2));
        var repeat = await Host.Grpc.CommitShipmentAsync(Shipment(orderId, "SHIP-1", 2));
        Assert.Equal(first, repeat);
        Assert.Equal((8, 3, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);

        await Host.Grpc.CommitShipmentAsync(Shipment(orderId, "SHIP-2", 3));
        Assert.Equal((5, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await Host.Grpc.CommitShipmentAsync(Shipment(orderId, "SHIP-3", 1)));
        Assert.Equal("commit_exceeds_reservation", ErrorCode(refused));
        Assert.Equal((5, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM shipments WHERE shipment_id = 'SHIP-3'"));
        Assert.Equal(5, await Host.ScalarAsync<int>("SELECT quantity FROM reservations WHERE state = 'committed'"));
        await Host.AssertLedgerMatchesPositionsAsync();

        // The order still answers its original allocation.
        var recorded = await Host.Grpc.ReserveOrderAsync(Order(orderId, "b2b", ("1", "SKU-A", 5)));
        Assert.Equal(5, Assert.Single(recorded.Allocations).Quantity);
    }

    [Fact]
    public async Task Availability_over_grpc_lists_positions_and_every_channel()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 12);
        await Host.Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), "b2b", ("1", "SKU-A", 2)));

        var all = await Host.Grpc.GetAvailabilityAsync(new GetAvailabilityRequest { Sku = "SKU-A" });
        var amazon = await Host.Grpc.GetAvailabilityAsync(new GetAvailabilityRequest { Sku = "SKU-A", Channel = "amazon" });

        Assert.Equal(10, all.Available);
        Assert.Equal(["amazon", "b2b", "shopify"], all.Channels.Select(c => c.Channel));
        Assert.Equal((12, 2, 10), (all.Positions[0].OnHand, all.Positions[0].Reserved, all.Positions[0].Available));
        Assert.Equal(10, Assert.Single(amazon.Channels).Available);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Host.Grpc.GetAvailabilityAsync(new GetAvailabilityRequest { Sku = "NOPE" }));
        Assert.Equal((StatusCode.NotFound, "unknown_sku"), (unknown.StatusCode, ErrorCode(unknown)));
    }

    private static CommitShipmentRequest Shipment(Guid orderId, string shipmentId, int quantity) => new()
    {
        OrderId = orderId.ToString(),
        ShipmentId = shipmentId,
        Lines = { new CommittedLine { LineId = "1", Quantity = quantity } },
    };
}
