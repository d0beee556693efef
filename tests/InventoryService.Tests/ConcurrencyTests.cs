using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.InventoryService.Tests;

public sealed class ConcurrencyTests(TestServers servers) : InventoryTestBase(servers)
{
    [Fact]
    public async Task Two_hundred_concurrent_reservations_on_two_replicas_reserve_exactly_the_fifty_units_in_stock()
    {
        var second = await StartReplicaAsync();
        await Host.CreateLocationAsync("WH-EAST");
        await Host.CreateLocationAsync("WH-WEST");
        await Host.AdjustAsync("SKU-HOT", "WH-EAST", 30);
        await second.AdjustAsync("SKU-HOT", "WH-WEST", 20);
        string[] channels = ["shopify", "amazon", "b2b"];
        InventoryHost[] replicas = [Host, second];

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
            await replicas[i % 2].Grpc.ReserveOrderAsync(Order(Guid.NewGuid(), channels[i % 3], ("1", "SKU-HOT", 1)))));

        Assert.Equal(50, responses.Count(r => r.Reserved));
        Assert.All(responses.Where(r => r.Reserved), r => Assert.Equal(1, r.Allocations.Sum(a => a.Quantity)));
        Assert.All(responses.Where(r => !r.Reserved), r => Assert.Equal("SKU-HOT", Assert.Single(r.Shortages).Sku));
        Assert.Equal(150, responses.Count(r => !r.Reserved));

        var positions = await Host.PositionsAsync("SKU-HOT");
        Assert.Equal((30, 30, 0), positions["WH-EAST"]);
        Assert.Equal((20, 20, 0), positions["WH-WEST"]);
        Assert.Equal(50, await Host.ScalarAsync<long>("SELECT sum(quantity) FROM reservations WHERE state = 'held'"));
        Assert.Equal(150, await Host.ScalarAsync<long>("SELECT count(*) FROM backorders"));

        // Replaying the ledger entry by entry, no position ever went negative or promised more than it had.
        Assert.Equal(0, await Host.ScalarAsync<long>(
            """
            SELECT count(*) FROM (
                SELECT sum(on_hand_delta) OVER w AS on_hand, sum(reserved_delta) OVER w AS reserved FROM ledger
                WINDOW w AS (PARTITION BY sku, location_id ORDER BY entry_id)) running
            WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand
            """));
        await Host.AssertLedgerMatchesPositionsAsync();

        var events = await Eventually.ReachesAsync(() => Host.EventsAsync(), e => e.Count(x => x.Type != AvailabilityChanged) >= 200, what: "200 reservation outcomes");
        Assert.Equal(50, events.Count(e => e.Type == "distribution.inventory.reserved.v1"));
        Assert.Equal(150, events.Count(e => e.Type == "distribution.inventory.reservation_failed.v1"));
    }

    [Fact]
    public async Task Batches_of_orders_over_the_same_skus_in_every_partition_reserve_without_deadlocking()
    {
        using var measurements = RecordedMeasurements.Of(Host.App.App.Services.GetRequiredService<MessagingTelemetry>().Meter);
        // One commit, so the relay hands every partition a full batch at once and the four batches run side by
        // side, each locking the same SKUs in its own events' order.
        var orders = await OrdersOverTwelveSkusAsync("SKU-B", seed: 7);
        await Host.PublishAllAsync(orders);

        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE state = 'reserved'"), reserved => reserved == 400, TimeSpan.FromSeconds(60), "400 reservations");
        Assert.Equal(0, measurements.Sum("messaging.consumer.batch_retries"));
        Assert.Equal(
            orders.SelectMany(o => o.Lines).Count(),
            await Host.ScalarAsync<long>("SELECT coalesce(sum(reserved), 0) FROM positions"));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task Batches_over_the_same_skus_take_turns_before_they_open_a_transaction()
    {
        var orders = await OrdersOverTwelveSkusAsync("SKU-T", seed: 11);

        // Every partition gets batches over the same SKUs; none of them may queue on a row lock in the database, where
        // the waiting transaction would hold back the cleanup of every table.
        using var sampling = new CancellationTokenSource();
        var lockWaits = CountLockWaitsAsync(sampling.Token);
        await Host.PublishAllAsync(orders);
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE state = 'reserved'"), reserved => reserved == 400, TimeSpan.FromSeconds(60), "400 reservations");
        await sampling.CancelAsync();

        var (samples, waiting) = await lockWaits;
        Assert.True(samples > 10, $"only {samples} samples of pg_stat_activity were taken");
        Assert.Equal(0, waiting);
        Assert.Equal(orders.SelectMany(o => o.Lines).Count(), await Host.ScalarAsync<long>("SELECT coalesce(sum(reserved), 0) FROM positions"));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    [Fact]
    public async Task Batches_mixing_shipments_cancellations_and_new_orders_over_the_same_skus_do_not_deadlock()
    {
        var orders = await OrdersOverTwelveSkusAsync("SKU-M", seed: 13);
        await Host.PublishAllAsync(orders);
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE state = 'reserved'"), reserved => reserved == 400, TimeSpan.FromSeconds(60), "400 reservations");
        var more = NewOrders([.. orders.SelectMany(o => o.Lines).Select(l => l.Sku).Distinct()], seed: 17, count: 100);

        // One commit, so every partition gets batches that ship and cancel over the same SKUs side by side, then batches
        // that also reserve. Handled event by event, each batch would lock positions in its events' order.
        using var measurements = RecordedMeasurements.Of(Host.App.App.Services.GetRequiredService<MessagingTelemetry>().Meter);
        await using (var connection = await Host.Database.OpenConnectionAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var bus = Host.App.App.Services.GetRequiredService<IEventBus>();
            for (var i = 0; i < orders.Count; i++)
            {
                var order = orders[i];
                if (i % 4 == 0)
                {
                    await bus.PublishAsync(new OrderCancelled(order.OrderId, order.Channel, order.PartnerId, "customer", DateTimeOffset.UtcNow), transaction);
                }
                else
                {
                    await bus.PublishAsync(new OrderShipped(order.OrderId, order.Channel, order.PartnerId, $"SHP-{i}", order.Lines, true, "UPS", $"1Z{i:000000}", DateTimeOffset.UtcNow), transaction);
                }
            }

            foreach (var order in more)
            {
                await bus.PublishAsync(order, transaction);
            }

            await transaction.CommitAsync();
        }

        var shippedLines = orders.Where((_, i) => i % 4 != 0).Sum(o => o.Lines.Count);
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM orders"), seen => seen == 500, TimeSpan.FromSeconds(60), "the new orders");
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE state = 'cancelled'"), cancelled => cancelled == 100, TimeSpan.FromSeconds(60), "the cancellations");
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE reason = 'ship'"), shipped => shipped == shippedLines, TimeSpan.FromSeconds(60), "every shipped line committed");
        await Eventually.ReachesAsync(
            () => Host.ScalarAsync<long>("SELECT count(*) FROM reservations WHERE state = 'released'"), released => released == orders.Where((_, i) => i % 4 == 0).Sum(o => o.Lines.Count), TimeSpan.FromSeconds(60), "every cancelled line released");

        Assert.Equal(0, measurements.Sum("messaging.consumer.batch_retries"));
        Assert.Equal(400, await Host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE state = 'reserved'"));
        Assert.Equal(more.Sum(o => o.Lines.Count), await Host.ScalarAsync<long>("SELECT coalesce(sum(reserved), 0) FROM positions"));
        await Host.AssertLedgerMatchesPositionsAsync();
    }

    /// <summary>400 orders of up to four lines each over twelve SKUs with plenty of stock in one location.</summary>
    private async Task<List<OrderReceived>> OrdersOverTwelveSkusAsync(string skuPrefix, int seed)
    {
        await Host.CreateLocationAsync("WH-1");
        var skus = Enumerable.Range(0, 12).Select(i => $"{skuPrefix}{i:00}").ToArray();
        foreach (var sku in skus)
        {
            await Host.AdjustAsync(sku, "WH-1", 10_000);
        }

        return NewOrders(skus, seed, count: 400);
    }

    private static List<OrderReceived> NewOrders(string[] skus, int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => new OrderReceived(
                Guid.NewGuid(), "shopify", "partner-1", $"CH-{Guid.NewGuid():N}"[..12], FulfillmentChannels.Merchant, 0, DateTimeOffset.UtcNow,
                [.. random.GetItems(skus, 4).Distinct().Select((sku, line) => new OrderedLine($"{line + 1}", sku, 1))]))
            .ToList();
    }

    private async Task<(int Samples, long Waiting)> CountLockWaitsAsync(CancellationToken stop)
    {
        var (samples, waiting) = (0, 0L);
        while (!stop.IsCancellationRequested)
        {
            // Waits on positions only: the availability publisher and a reservation may briefly wait on each other's mark of
            // the same SKU, which is not what the gate is for.
            waiting += await Host.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM positions%'");
            samples++;
        }

        return (samples, waiting);
    }

    private const string AvailabilityChanged = "distribution.inventory.availability_changed.v1";
}
