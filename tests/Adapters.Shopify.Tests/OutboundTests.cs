using System.Globalization;
using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Quantities reach the sandbox shop through the durable, coalescing queue and the paced, resilient client.</summary>
public sealed class OutboundTests(TestServers servers)
{
    [Fact]
    public async Task Stock_levels_do_not_wait_behind_fulfillments_queued_before_them()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        var orders = Enumerable.Range(0, 3).Select(_ => sandbox.Desk.Place([("SKU-0001", 1)])!).ToList();
        var submitted = await Eventually.ReachesAsync(
            () => Task.FromResult(orders.Select(o => rig.Calls.ByChannelOrderId(o.Id.ToString(CultureInfo.InvariantCulture))).ToList()), s => s.All(o => o is not null), what: "the three submissions");

        // Every call now takes 1.5 s, as over a slow network: three fulfillments queued first would hold a quantity update
        // in the same lane for 4.5 s.
        sandbox.Faults.Set(new ShopifyFaults { LatencyMilliseconds = 1500, EchoInventoryWebhooks = false });
        for (var i = 0; i < orders.Count; i++)
        {
            var lines = orders[i].Lines.Select(l => new OrderedLine(l.Id.ToString(CultureInfo.InvariantCulture), l.Product.Sku, l.Quantity)).ToList();
            await rig.Adapter.PublishAsync(new OrderShipped(Guid.Parse(submitted[i]!.OrderId), "shopify", ShopifyHost.PartnerId, $"SHP-LANE-{i}", lines, true, "UPS", $"1Z999AA1012345678{i}", DateTimeOffset.UtcNow));
        }

        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands WHERE kind = 'create_fulfillment'"), n => n == 3, what: "three fulfillments queued");
        await rig.Adapter.PublishAsync(Availability("SKU-0002", 77, 1));

        await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Any(told => told.Sku == "SKU-0002"), TimeSpan.FromSeconds(20), what: "the quantity");
        Assert.True(sandbox.Shop.Fulfillments().Count < 3, "the quantity waited for every fulfillment queued before it");
        await Eventually.ReachesAsync(() => Task.FromResult(sandbox.Shop.Fulfillments()), f => f.Count == 3, TimeSpan.FromSeconds(30), what: "the three fulfillments");
    }

    [Fact]
    public async Task A_queued_quantity_leaves_when_its_transaction_commits_not_at_the_next_poll()
    {
        // Ten minutes between polls: within the test, only the wake-up after the handler's commit can send it. Woken from
        // inside the handler, the worker could lease before the commit, find nothing and sleep out the ten minutes.
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true, adapter: new Dictionary<string, string?> { ["Shopify:Outbound:PollInterval"] = "00:10:00" });
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { EchoInventoryWebhooks = false });
        await Task.Delay(500);

        for (var sequence = 1; sequence <= 3; sequence++)
        {
            await rig.Adapter.PublishAsync(Availability($"SKU-000{sequence}", 40 + sequence, 1));
            await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == sequence, TimeSpan.FromSeconds(15), what: $"quantity {sequence}");
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task Updates_during_a_shopify_outage_are_coalesced_and_only_the_latest_quantity_is_sent_when_it_ends()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { Outage = true, EchoInventoryWebhooks = false });

        for (var sequence = 1; sequence <= 20; sequence++)
        {
            await rig.Adapter.PublishAsync(Availability("SKU-0001", sequence * 3, sequence));
        }

        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT last_sequence FROM inventory_sync WHERE sku = 'SKU-0001'"), s => s == 20, what: "all 20 updates handled");
        await Eventually.ReachesAsync(() => Task.FromResult(sandbox.Calls.Snapshot().Where(c => c.Status == 503).Sum(c => c.Count)), n => n > 0, what: "calls into the outage");
        Assert.Empty(await sandbox.ToldAsync());

        sandbox.Faults.Set(new ShopifyFaults { EchoInventoryWebhooks = false });

        // At most one stale value can arrive: the one a retry inside the HTTP pipeline was carrying when the outage ended.
        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t is [{ Available: 60 }], TimeSpan.FromSeconds(90), "the latest quantity to arrive");
        Assert.InRange(told[0].TimesTold, 1, 2);
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"), n => n == 0, what: "the queue to empty");
    }

    [Fact]
    public async Task Throttled_calls_wait_out_retry_after_and_every_quantity_arrives()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { Throttle429Every = 2, Throttle429Burst = 1, RetryAfterSeconds = 0.5, EchoInventoryWebhooks = false });

        // One change at a time, so that each is a call of its own and every other call meets a 429.
        for (var i = 1; i <= 8; i++)
        {
            await rig.Adapter.PublishAsync(Availability($"SKU-{i:D4}", 10 + i, 1));
            await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == i, TimeSpan.FromSeconds(120), $"quantity {i}");
        }

        var told = await sandbox.ToldAsync();
        Assert.All(told, t => Assert.Equal(10 + int.Parse(t.Sku[4..], System.Globalization.CultureInfo.InvariantCulture), t.Available));
        var calls = sandbox.Calls.Snapshot();
        Assert.True(calls.Any(c => c.Operation == "graphql" && c.Status == 429), string.Join(", ", calls));
        Assert.Equal(0L, await rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM shopify_exceptions"));
    }

    [Fact]
    public async Task Client_paces_itself_by_the_call_limit_header_and_never_overflows_the_bucket()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true,
            adapter: new Dictionary<string, string?> { ["Shopify:Http:LeakPerSecond"] = "4", ["Shopify:Http:BucketHeadroom"] = "1" },
            sandbox: new Dictionary<string, string?> { ["Sandbox:Shopify:Bucket:Size"] = "4", ["Sandbox:Shopify:Bucket:LeakPerSecond"] = "4" });
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();

        // Each sync reads locations and products over REST: ten calls against a bucket of four.
        for (var i = 1; i <= 5; i++)
        {
            using var sync = await rig.Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Post, "/admin/shopify/sku-map:sync"));
            sync.EnsureSuccessStatusCode();
        }

        var calls = sandbox.Calls.Snapshot();
        Assert.True(calls.Where(c => c.Operation is "products.list" or "locations.list").Sum(c => c.Count) >= 10, string.Join(", ", calls));
        Assert.DoesNotContain(calls, c => c.Status == 429);
    }

    [Fact]
    public async Task Quantity_for_an_unmapped_sku_waits_until_the_sku_is_mapped()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        (await rig.Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Delete, "/admin/shopify/sku-map/SKU-0003"))).EnsureSuccessStatusCode();

        await rig.Adapter.PublishAsync(Availability("SKU-0003", 42, 1));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<string>("SELECT status FROM outbound_commands"), s => s == "unmapped", what: "the update to be parked");

        var product = sandbox.Shop.ProductBySku("SKU-0003")!;
        using var map = ShopifyHost.Admin(HttpMethod.Put, "/admin/shopify/sku-map/SKU-0003");
        map.Content = System.Net.Http.Json.JsonContent.Create(new { inventoryItemId = product.InventoryItemId, locationId = sandbox.Shop.LocationId });
        (await rig.Adapter.Client.SendAsync(map)).EnsureSuccessStatusCode();

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == 1, what: "the parked quantity");
        Assert.Equal(("SKU-0003", 42), (told[0].Sku, told[0].Available));
    }

    [Fact]
    public async Task Older_availability_than_the_newest_seen_is_skipped()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();

        await rig.Adapter.PublishAsync(Availability("SKU-0005", 7, 10));
        await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == 1, what: "the first quantity");
        await rig.Adapter.PublishAsync(Availability("SKU-0005", 99, 9));
        await rig.Adapter.PublishAsync(Availability("SKU-0005", 8, 11));

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Single().Available == 8, what: "the newest quantity");
        Assert.Equal(2, told.Single().TimesTold);
    }

    [Fact]
    public async Task Quantity_that_arrives_during_a_refused_call_is_still_sent()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        var product = sandbox.Shop.ProductBySku("SKU-0006")!;
        await MapAsync(rig, "SKU-0006", 9_999_999_999_999, sandbox.Shop.LocationId);
        sandbox.Faults.Set(new ShopifyFaults { LatencyMilliseconds = 2000, EchoInventoryWebhooks = false });

        await rig.Adapter.PublishAsync(Availability("SKU-0006", 5, 1));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<bool>("SELECT leased_until > now() FROM outbound_commands WHERE coalesce_key = 'inventory:SKU-0006'"),
            leased => leased, what: "the call with the wrong item to be under way");
        // While Shopify is still answering that call (it will refuse the unknown item), the mapping is fixed and a newer quantity arrives.
        await MapAsync(rig, "SKU-0006", product.InventoryItemId, sandbox.Shop.LocationId);
        await rig.Adapter.PublishAsync(Availability("SKU-0006", 9, 2));
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT sequence FROM outbound_commands WHERE coalesce_key = 'inventory:SKU-0006'"), n => n == 2, what: "the newer quantity queued");
        Assert.True(await rig.Adapter.ScalarAsync<bool>("SELECT leased_until > now() FROM outbound_commands WHERE coalesce_key = 'inventory:SKU-0006'"), "the refused call must still be under way");

        var told = await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Any(q => q.Sku == "SKU-0006"), TimeSpan.FromSeconds(30), "the newer quantity");
        Assert.Equal(9, told.Single(q => q.Sku == "SKU-0006").Available);
    }

    [Fact]
    public async Task Vacuum_leaves_an_emptied_outbound_queue_its_pages_instead_of_locking_out_the_handlers()
    {
        // The adapter's schema without the adapter's worker, so nothing but this test touches the queue.
        var connectionString = await servers.CreateDatabaseAsync("shopify");
        await (await ShopifyHost.StartAsync(ShopifyHost.Settings(connectionString, servers.RedisConnectionString, "shopify-vacuum", new Uri("http://127.0.0.1:9"), null))).DisposeAsync();

        var (before, after) = await QueueVacuum.EmptyAndVacuumAsync(
            connectionString,
            "outbound_commands",
            """
            INSERT INTO outbound_commands (kind, coalesce_key, payload)
            SELECT 'set_inventory', 'inventory:VAC-' || g, jsonb_build_object('sku', 'VAC-' || g, 'quantity', g) FROM generate_series(1, 10000) g
            """,
            TestContext.Current.CancellationToken);

        Assert.True(before > 50, $"the burst filled {before} pages");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Completing_a_sent_batch_does_not_wait_on_a_quantity_a_handler_is_replacing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await QueueOnlyAsync("shopify-complete");
        var queue = new OutboundQueue(database);
        var sent = await LeaseTwoQuantitiesAsync(database, queue, cancellationToken);

        // While Shopify answered, a handler's batch replaced A's quantity and has not committed.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var handler = await connection.BeginTransactionAsync(cancellationToken);
        await OutboundQueue.EnqueueInventoryAsync(new SetInventoryCommand("SKU-A", 5, 2), connection, handler, cancellationToken);

        var completing = queue.CompleteAsync(sent, cancellationToken);

        // B is done at once. Before, the completion held B while it waited for A, and the handler's next event (B) then
        // waited for the completion: a deadlock, which PostgreSQL broke after a second by failing one of them.
        await Eventually.ReachesAsync(() => CountAsync(database, "inventory:SKU-B"), n => n == 0, TimeSpan.FromSeconds(5), "B completed while A is held");
        await OutboundQueue.EnqueueInventoryAsync(new SetInventoryCommand("SKU-B", 7, 2), connection, handler, cancellationToken);
        Assert.False(completing.IsCompleted, "A waits for the handler's commit");
        await handler.CommitAsync(cancellationToken);
        await completing.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

        // A's newer quantity is due at once, not after the lease of the call that sent the older one.
        await using var rows = database.CreateCommand(
            "SELECT coalesce_key, (payload->>'quantity')::int, leased_until IS NULL FROM outbound_commands ORDER BY coalesce_key");
        await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
        var queued = new List<(string, int, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            queued.Add((reader.GetString(0), reader.GetInt32(1), reader.GetBoolean(2)));
        }

        Assert.Equal([("inventory:SKU-A", 5, true), ("inventory:SKU-B", 7, true)], queued);
    }

    [Fact]
    public async Task Rescheduling_a_failed_batch_does_not_wait_on_a_quantity_a_handler_is_replacing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await QueueOnlyAsync("shopify-reschedule");
        var queue = new OutboundQueue(database);
        var failed = await LeaseTwoQuantitiesAsync(database, queue, cancellationToken);

        // Shopify is down; meanwhile a handler's batch is replacing A's quantity.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var handler = await connection.BeginTransactionAsync(cancellationToken);
        await OutboundQueue.EnqueueInventoryAsync(new SetInventoryCommand("SKU-A", 5, 2), connection, handler, cancellationToken);

        var rescheduling = queue.RescheduleAsync(failed, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "shopify down", cancellationToken);

        await Eventually.ReachesAsync(() => AttemptsAsync(database, "inventory:SKU-B"), n => n == 1, TimeSpan.FromSeconds(5), "B rescheduled while A is held");
        await OutboundQueue.EnqueueInventoryAsync(new SetInventoryCommand("SKU-B", 7, 2), connection, handler, cancellationToken);
        Assert.False(rescheduling.IsCompleted, "A waits for the handler's commit");
        await handler.CommitAsync(cancellationToken);
        await rescheduling.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

        Assert.Equal(1, await AttemptsAsync(database, "inventory:SKU-A"));
        Assert.Equal(1, await AttemptsAsync(database, "inventory:SKU-B"));
        Assert.Equal(0L, await ScalarAsync(database, "SELECT count(*) FROM outbound_commands WHERE leased_until IS NOT NULL"));
    }

    private static async Task<int> AttemptsAsync(Npgsql.NpgsqlDataSource database, string key)
    {
        await using var command = database.CreateCommand("SELECT attempts FROM outbound_commands WHERE coalesce_key = @key");
        command.Parameters.AddWithValue("key", key);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> ScalarAsync(Npgsql.NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The adapter's schema without the adapter's worker: the test plays the worker and a handler.</summary>
    private async Task<Npgsql.NpgsqlDataSource> QueueOnlyAsync(string keyPrefix)
    {
        var connectionString = await servers.CreateDatabaseAsync("shopify");
        await (await ShopifyHost.StartAsync(ShopifyHost.Settings(connectionString, servers.RedisConnectionString, keyPrefix, new Uri("http://127.0.0.1:9"), null))).DisposeAsync();
        return Npgsql.NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Quantities for SKU-A and SKU-B queued and leased, as the worker does before its call.</summary>
    private static async Task<IReadOnlyList<LeasedCommand>> LeaseTwoQuantitiesAsync(Npgsql.NpgsqlDataSource database, OutboundQueue queue, CancellationToken cancellationToken)
    {
        await EnqueueAsync(database, new SetInventoryCommand("SKU-A", 1, 1), cancellationToken);
        await EnqueueAsync(database, new SetInventoryCommand("SKU-B", 1, 1), cancellationToken);
        var leased = await queue.LeaseInventoryAsync(TimeSpan.FromMinutes(5), 250, cancellationToken);
        Assert.Equal(2, leased.Count);
        return leased;
    }

    private static async Task EnqueueAsync(Npgsql.NpgsqlDataSource database, SetInventoryCommand command, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await OutboundQueue.EnqueueInventoryAsync(command, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(Npgsql.NpgsqlDataSource database, string key)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM outbound_commands WHERE coalesce_key = @key");
        command.Parameters.AddWithValue("key", key);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task MapAsync(AdapterRig rig, string sku, long inventoryItemId, long locationId)
    {
        using var map = ShopifyHost.Admin(HttpMethod.Put, $"/admin/shopify/sku-map/{sku}");
        map.Content = System.Net.Http.Json.JsonContent.Create(new { inventoryItemId, locationId });
        (await rig.Adapter.Client.SendAsync(map)).EnsureSuccessStatusCode();
    }

    private static InventoryAvailabilityChanged Availability(string sku, int shopify, long sequence) => AdapterRig.Availability(sku, shopify, sequence);
}
