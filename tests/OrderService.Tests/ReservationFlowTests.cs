using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>
/// The order side of the order–inventory flow, through the real consumer: inventory's events are put on
/// the Redis streams through the outbox and handled by the service's own subscription.
/// </summary>
public sealed class ReservationFlowTests(OrderHost host) : IClassFixture<OrderHost>
{
    private static readonly AllocatedLine[] Allocations = [new("1", "SKU-1", "WH-EAST", 1), new("2", "SKU-2", "WH-EAST", 1), new("2", "SKU-2", "3PL-WEST", 1)];

    [Fact]
    public async Task Inventory_reserved_accepts_the_order_and_publishes_order_accepted_with_the_allocations()
    {
        using var partner = host.Partner("flow");
        var order = await partner.SubmitOkAsync(OrderBodies.Valid());

        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(order.OrderId(), Allocations, false, DateTimeOffset.UtcNow)));

        var stored = await partner.GetOrderAsync(order.OrderId());
        Assert.Equal("accepted", stored.Status());
        Assert.Equal(["received", "reserved", "accepted"], stored["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal(order["version"]!.GetValue<long>() + 2, stored["version"]!.GetValue<long>());
        Assert.Equal(3, await host.ScalarAsync<int>($"SELECT jsonb_array_length(allocations) FROM orders WHERE order_id = '{order.OrderId()}'"));
        var accepted = Assert.Single(await host.PublishedAsync("distribution.order.accepted.v1", order.OrderId()));
        Assert.Equal(3, accepted.GetProperty("allocations").GetArrayLength());
        Assert.Equal("3PL-WEST", accepted.GetProperty("allocations")[2].GetProperty("locationId").GetString());
    }

    [Fact]
    public async Task A_failed_reservation_backorders_the_order_and_a_later_reservation_accepts_it()
    {
        using var partner = host.Partner("flow");
        var order = await partner.SubmitOkAsync(OrderBodies.Valid());

        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReservationFailed(order.OrderId(), [new ShortLine("SKU-2", 2, 1)], DateTimeOffset.UtcNow)));
        var backordered = await partner.GetOrderAsync(order.OrderId());
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(order.OrderId(), Allocations, true, DateTimeOffset.UtcNow)));
        var accepted = await partner.GetOrderAsync(order.OrderId());

        Assert.Equal("backordered", backordered.Status());
        var published = Assert.Single(await host.PublishedAsync("distribution.order.backordered.v1", order.OrderId()));
        Assert.Equal("SKU-2", published.GetProperty("shortages")[0].GetProperty("sku").GetString());
        Assert.Equal("accepted", accepted.Status());
        Assert.Equal(
            ["received", "backordered", "reserved", "accepted"],
            accepted["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Single(await host.PublishedAsync("distribution.order.accepted.v1", order.OrderId()));
    }

    [Fact]
    public async Task Inventory_events_for_a_cancelled_order_change_nothing()
    {
        using var partner = host.Partner("flow");
        var order = await partner.SubmitOkAsync(OrderBodies.Valid());
        await partner.PostAsync($"/v1/orders/{order.OrderId()}:cancel", null);
        var cancelled = await partner.GetOrderAsync(order.OrderId());

        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(order.OrderId(), Allocations, false, DateTimeOffset.UtcNow)));
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReservationFailed(order.OrderId(), [], DateTimeOffset.UtcNow)));

        var after = await partner.GetOrderAsync(order.OrderId());
        Assert.Equal("cancelled", after.Status());
        Assert.Equal(cancelled["version"]!.GetValue<long>(), after["version"]!.GetValue<long>());
        Assert.Empty(await host.PublishedAsync("distribution.order.accepted.v1", order.OrderId()));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task A_repeated_or_late_inventory_event_changes_nothing()
    {
        using var partner = host.Partner("flow");
        var order = await partner.SubmitOkAsync(OrderBodies.Valid());
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(order.OrderId(), Allocations, false, DateTimeOffset.UtcNow)));
        var accepted = await partner.GetOrderAsync(order.OrderId());

        // Inventory says it again (a new event id, so the inbox does not catch it), then a stale failure arrives.
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(order.OrderId(), Allocations, false, DateTimeOffset.UtcNow)));
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReservationFailed(order.OrderId(), [new ShortLine("SKU-1", 1, 0)], DateTimeOffset.UtcNow.AddMinutes(-1))));

        var after = await partner.GetOrderAsync(order.OrderId());
        Assert.Equal("accepted", after.Status());
        Assert.Equal(accepted["version"]!.GetValue<long>(), after["version"]!.GetValue<long>());
        Assert.Single(await host.PublishedAsync("distribution.order.accepted.v1", order.OrderId()));
        Assert.Empty(await host.PublishedAsync("distribution.order.backordered.v1", order.OrderId()));
    }

    [Fact]
    public async Task An_inventory_event_for_an_unknown_order_is_acknowledged_not_dead_lettered()
    {
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(Guid.NewGuid(), Allocations, false, DateTimeOffset.UtcNow)));

        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM dead_letters"));
    }

    [Fact]
    public async Task A_marketplace_order_ignores_inventory_events()
    {
        using var partner = host.Partner("flow-amazon", "amazon");
        var body = OrderBodies.Valid();
        body["fulfillmentChannel"] = FulfillmentChannels.Marketplace;
        var order = await partner.SubmitOkAsync(body);

        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReservationFailed(order.OrderId(), [new ShortLine("SKU-1", 1, 0)], DateTimeOffset.UtcNow)));

        Assert.Equal("accepted", (await partner.GetOrderAsync(order.OrderId())).Status());
    }
}
