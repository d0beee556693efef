using System.Net.Http.Json;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>order.received / order.cancelled / order.shipped in, inventory.reserved / reservation_failed out, through the real backbone.</summary>
public sealed class OrderFlowTests(TestServers servers) : InventoryTestBase(servers)
{
    private const string ReservedType = "distribution.inventory.reserved.v1";
    private const string FailedType = "distribution.inventory.reservation_failed.v1";
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-1);

    [Fact]
    public async Task Order_received_reserves_and_publishes_inventory_reserved()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        var orderId = Guid.NewGuid();

        await Host.PublishAsync(Received(orderId, 0, Start, ("1", "SKU-A", 3)));

        var reserved = Assert.Single(await Eventually.ReachesAsync(() => Host.EventsAsync(ReservedType), e => e.Count == 1, what: "inventory.reserved"));
        Assert.Equal(orderId, reserved.Data.GetProperty("orderId").GetGuid());
        Assert.False(reserved.Data.GetProperty("fromBackorder").GetBoolean());
        var allocation = reserved.Data.GetProperty("allocations")[0];
        Assert.Equal(("1", "SKU-A", "WH-1", 3), (allocation.GetProperty("lineId").GetString(), allocation.GetProperty("sku").GetString(), allocation.GetProperty("locationId").GetString(), allocation.GetProperty("quantity").GetInt32()));
        Assert.Equal((5, 3, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
    }

    [Fact]
    public async Task Marketplace_fulfilled_orders_reserve_nothing()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);

        await Host.PublishAsync(Received(Guid.NewGuid(), 0, Start, [("1", "SKU-A", 3)], FulfillmentChannels.Marketplace));

        await WaitHandledAsync("distribution.order.received.v1", 1);
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM orders"));
        Assert.Equal((5, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.DoesNotContain(await Host.EventsAsync(), e => e.Type is ReservedType or FailedType);
    }

    [Fact]
    public async Task Backorders_are_filled_in_priority_then_age_order_when_stock_arrives()
    {
        await Host.CreateLocationAsync("WH-1");
        await SetOnHandAsync("SKU-A", 0);
        var lowOld = Guid.NewGuid();
        var highNew = Guid.NewGuid();
        var highOld = Guid.NewGuid();
        await Host.PublishAsync(Received(lowOld, 0, Start, ("1", "SKU-A", 1)));
        await Host.PublishAsync(Received(highNew, 5, Start.AddMinutes(20), ("1", "SKU-A", 1)));
        await Host.PublishAsync(Received(highOld, 5, Start.AddMinutes(10), ("1", "SKU-A", 1)));
        await Eventually.ReachesAsync(() => Host.EventsAsync(FailedType), e => e.Count == 3, what: "three reservation failures");

        List<Guid> filled = [];
        foreach (var expected in new[] { highOld, highNew, lowOld })
        {
            await Host.AdjustAsync("SKU-A", "WH-1", 1);
            var reserved = await Eventually.ReachesAsync(() => Host.EventsAsync(ReservedType), e => e.Count == filled.Count + 1, what: "the next backorder fill");
            var latest = reserved.Select(e => e.Data.GetProperty("orderId").GetGuid()).Except(filled).Single();
            Assert.True(reserved.All(e => e.Data.GetProperty("fromBackorder").GetBoolean()));
            filled.Add(latest);
            Assert.Equal(expected, latest);
        }

        await Task.Delay(300);
        Assert.Equal(3, (await Host.EventsAsync(ReservedType)).Count);
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM backorders"));
        Assert.Equal((3, 3, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task A_cancel_that_arrives_before_the_order_makes_the_order_do_nothing()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        var orderId = Guid.NewGuid();

        await Host.PublishAsync(new OrderCancelled(orderId, "shopify", "partner-1", "customer", Start));
        await WaitHandledAsync("distribution.order.cancelled.v1", 1);
        await Host.PublishAsync(Received(orderId, 0, Start, ("1", "SKU-A", 2)));
        await WaitHandledAsync("distribution.order.received.v1", 1);

        Assert.Equal("cancelled", await Host.ScalarAsync<string>("SELECT state FROM orders WHERE order_id = @id", ("id", orderId)));
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM reservations"));
        Assert.Equal((5, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.DoesNotContain(await Host.EventsAsync(), e => e.Type is ReservedType or FailedType);
    }

    [Fact]
    public async Task A_cancel_releases_stock_to_waiting_backorders_and_a_cancelled_backorder_leaves_the_queue()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 2);
        var holder = Guid.NewGuid();
        var waiting = Guid.NewGuid();
        var abandoned = Guid.NewGuid();
        await Host.PublishAsync(Received(holder, 0, Start, ("1", "SKU-A", 2)));
        await Eventually.ReachesAsync(() => Host.EventsAsync(ReservedType), e => e.Count == 1, what: "the first order reserved");
        await Host.PublishAsync(Received(waiting, 1, Start.AddMinutes(1), ("1", "SKU-A", 2)));
        await Host.PublishAsync(Received(abandoned, 0, Start.AddMinutes(2), ("1", "SKU-A", 1)));
        await Eventually.ReachesAsync(() => Host.EventsAsync(FailedType), e => e.Count == 2, what: "two backorders");

        await Host.PublishAsync(new OrderCancelled(holder, "shopify", "partner-1", "customer", DateTimeOffset.UtcNow));
        var reserved = await Eventually.ReachesAsync(() => Host.EventsAsync(ReservedType), e => e.Count == 2, what: "the waiting order filled");
        Assert.Equal(waiting, reserved.Single(e => e.Data.GetProperty("fromBackorder").GetBoolean()).Data.GetProperty("orderId").GetGuid());

        await Host.PublishAsync(new OrderCancelled(abandoned, "shopify", "partner-1", "customer", DateTimeOffset.UtcNow));
        await WaitHandledAsync("distribution.order.cancelled.v1", 2);
        Assert.Equal(0, await Host.ScalarAsync<long>("SELECT count(*) FROM backorders"));
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        await Task.Delay(500);
        Assert.Equal(2, (await Host.EventsAsync(ReservedType)).Count);
        Assert.Equal((7, 2, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task Order_shipped_commits_the_shipped_lines_once_per_shipment()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 10);
        var orderId = Guid.NewGuid();
        await Host.PublishAsync(Received(orderId, 0, Start, ("1", "SKU-A", 4)));
        await Eventually.ReachesAsync(() => Host.EventsAsync(ReservedType), e => e.Count == 1, what: "the order reserved");

        var shipped = new OrderShipped(orderId, "shopify", "partner-1", "SHIP-9", [new OrderedLine("1", "SKU-A", 3)], false, "UPS", "1Z", DateTimeOffset.UtcNow);
        await Host.PublishAsync(shipped);
        await Host.PublishAsync(shipped);
        await WaitHandledAsync("distribution.order.shipped.v1", 2);

        Assert.Equal((7, 1, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.Equal(1, await Host.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE reason = 'ship'"));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task Return_received_restocks_the_restock_lines_at_the_receiving_location_and_writes_off_damaged_ones()
    {
        await Host.CreateLocationAsync("WH-1");
        await Host.CreateLocationAsync("WH-2");
        await Host.AdjustAsync("SKU-A", "WH-1", 5);
        var returned = new ReturnReceived(
            Guid.NewGuid(),
            Guid.NewGuid(),
            "shopify",
            "WH-2",
            [new ReturnedLine("1", "SKU-A", 2, "restock"), new ReturnedLine("1", "SKU-A", 1, "damaged"), new ReturnedLine("2", "SKU-B", 1, "damaged")],
            "29.83",
            "USD",
            DateTimeOffset.UtcNow);

        await Host.PublishAsync(returned);
        await WaitHandledAsync("distribution.return.received.v1", 1);

        Assert.Equal((5, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-1"]);
        Assert.Equal((2, 0, 0), (await Host.PositionsAsync("SKU-A"))["WH-2"]);
        Assert.Empty(await Host.PositionsAsync("SKU-B"));
        Assert.Equal($"return:{returned.ReturnId}", await Host.ScalarAsync<string>("SELECT reference FROM ledger WHERE reason = 'return'"));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    private static OrderReceived Received(Guid orderId, int priority, DateTimeOffset receivedAt, params (string LineId, string Sku, int Quantity)[] lines) =>
        Received(orderId, priority, receivedAt, lines, FulfillmentChannels.Merchant);

    private static OrderReceived Received(Guid orderId, int priority, DateTimeOffset receivedAt, (string LineId, string Sku, int Quantity)[] lines, string fulfillment) =>
        new(orderId, "shopify", "partner-1", $"CH-{orderId:N}"[..12], fulfillment, priority, receivedAt, lines.Select(l => new OrderedLine(l.LineId, l.Sku, l.Quantity)).ToList());

    private async Task SetOnHandAsync(string sku, int onHand)
    {
        using var response = await Host.Admin.PostAsJsonAsync("/admin/inventory/adjustments", new { sku, locationId = "WH-1", onHand, reason = "cycle_count" });
        response.EnsureSuccessStatusCode();
    }

    private Task WaitHandledAsync(string eventType, long count) =>
        Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_type = @type", ("type", eventType)),
            handled => handled >= count,
            what: $"{count} {eventType} handled");
}
