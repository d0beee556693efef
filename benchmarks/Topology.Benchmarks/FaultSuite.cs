using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// Steady webhook load (every webhook delivered twice, some orders/updated before their orders/create, refused
/// deliveries retried with back-off as Shopify does; the 3PL posting every shipping document and tracking event twice,
/// delivered before in transit) while each service is SIGKILLed and restarted, Redis and Postgres are restarted and
/// the sandbox shop and the sandbox 3PL are each down for a while; then a reconciliation of what came out.
/// </summary>
public sealed class FaultSuite(Topology topology, ShopifyWebhooks webhooks, NpgsqlDataSource orders, IReadOnlyList<string> orderSkus, string probeSku, int rate, string repositoryRoot)
{
    private const string StockSku = "SKU-0009";

    private static readonly (string Resource, string Executable)[] Services =
    [
        ("orderservice", "OrderService"), ("inventoryservice", "InventoryService"), ("fulfillmentservice", "FulfillmentService"),
        ("shopify-adapter", "Adapters.Shopify"), ("threepl-adapter", "Adapters.ThreePL"), ("gateway", "Gateway"),
    ];

    private readonly ConcurrentDictionary<long, OrderDelivery> _sent = new();
    // Pacing of the harness itself, not waits for the system: a stock change every 3 s gives the channels something
    // to follow through every fault; quiescence is checked every 5 s (each check reads nine databases).
    private static readonly TimeSpan StockChangeInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan QuiescencePoll = TimeSpan.FromSeconds(5);
    private static readonly object ThreePLDuplicatesOutOfOrder = new { duplicates = true, outOfOrder = true };
    private static readonly string[] ShippedProgress = ["shipped", "in_transit", "out_for_delivery", "delivered"];

    private readonly ConcurrentBag<string> _log = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _attempts;
    private int _refusals;

    public async Task<(string Report, bool Passed)> RunAsync(bool quick, CancellationToken cancellation)
    {
        var settle = TimeSpan.FromSeconds(quick ? 5 : 10);
        await topology.PutThreePLFaultsAsync(ThreePLDuplicatesOutOfOrder, cancellation);
        Note("3PL sandbox: every document and event it posts is posted twice, and delivered comes before in transit");
        using var loadStop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var load = LoadAsync(loadStop.Token);
        var stock = StockChangesAsync(loadStop.Token);
        var faults = new List<FaultRecord>();

        await Task.Delay(settle, cancellation);
        foreach (var (resource, executable) in Services)
        {
            faults.Add(await KillAndRestartAsync(resource, executable, cancellation));
            await Task.Delay(settle, cancellation);
        }

        foreach (var resource in new[] { "redis-server", "postgres" })
        {
            faults.Add(await RestartAsync(resource, cancellation));
            await Task.Delay(settle, cancellation);
        }

        faults.Add(await ShopOutageAsync(TimeSpan.FromSeconds(30), cancellation));
        await Task.Delay(settle, cancellation);
        faults.Add(await ThreePLOutageAsync(TimeSpan.FromSeconds(30), cancellation));
        await Task.Delay(settle, cancellation);

        Note("stopping load; waiting for the partner's retries to finish");
        await loadStop.CancelAsync();
        await stock;
        await load;
        var pending = _sent.Values.Select(o => o.Completion).ToArray();
        await Task.WhenAll(pending);
        Note($"all {_sent.Count} orders' deliveries finished");

        var quiet = await QuiesceAsync(cancellation);
        var checks = await ReconcileAsync(cancellation);
        return (Report(faults, quiet, checks), checks.All(c => c.Passed));
    }

    private void Note(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}";
        _log.Add(line);
        Console.WriteLine(line);
    }

    private async Task LoadAsync(CancellationToken stop)
    {
        var tick = TimeSpan.FromMilliseconds(1000.0 / rate);
        var next = _clock.Elapsed;
        var index = 0;
        while (!stop.IsCancellationRequested)
        {
            next += tick;
            var wait = next - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var orderId = webhooks.NextOrderId();
            // Every tenth order: Shopify's orders/updated arrives before its orders/create.
            var outOfOrder = index++ % 10 == 0;
            _sent[orderId] = new OrderDelivery(outOfOrder, DeliverOrderAsync(orderId, outOfOrder));
        }
    }

    /// <summary>Each webhook twice (same webhook id): the second copy concurrently for half the orders, after the first for the rest.</summary>
    private async Task<bool> DeliverOrderAsync(long orderId, bool outOfOrder)
    {
        var delivered = false;
        if (outOfOrder)
        {
            var updated = webhooks.Body(orderId, updated: true);
            var id = Guid.NewGuid().ToString();
            var results = await Task.WhenAll(DeliverAsync("orders/updated", updated, id), DeliverAsync("orders/updated", updated, id));
            delivered |= results.Any(r => r);
        }

        var body = webhooks.Body(orderId);
        var webhookId = Guid.NewGuid().ToString();
        if (orderId % 2 == 0)
        {
            var results = await Task.WhenAll(DeliverAsync("orders/create", body, webhookId), DeliverAsync("orders/create", body, webhookId));
            delivered |= results.Any(r => r);
        }
        else
        {
            delivered |= await DeliverAsync("orders/create", body, webhookId);
            delivered |= await DeliverAsync("orders/create", body, webhookId);
        }

        return delivered;
    }

    private async Task<bool> DeliverAsync(string topic, byte[] body, string webhookId)
    {
        var (status, attempts) = await webhooks.DeliverAsync(topic, body, webhookId, CancellationToken.None);
        Interlocked.Add(ref _attempts, attempts);
        Interlocked.Add(ref _refusals, attempts - 1);
        return status is >= 200 and < 300;
    }

    /// <summary>Stock of one SKU changes every 3 s during the faults, so the channels have something to follow.</summary>
    private async Task StockChangesAsync(CancellationToken stop)
    {
        var delta = 1;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(StockChangeInterval, stop);
                await topology.AdjustAsync(StockSku, delta, stop);
                delta = -delta;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (InvalidOperationException ex)
            {
                Note($"stock change refused: {ex.Message}");
            }
        }
    }

    private async Task<FaultRecord> KillAndRestartAsync(string resource, string executable, CancellationToken cancellation)
    {
        var started = _clock.Elapsed;
        var victims = ServiceProcesses(executable);
        if (victims.Count == 0)
        {
            Note($"{resource}: no process found to kill");
            return new FaultRecord($"SIGKILL {resource}", false, "no process found", TimeSpan.Zero);
        }

        foreach (var pid in victims)
        {
            Process.GetProcessById(pid).Kill();
        }

        Note($"{resource}: SIGKILLed pid {string.Join(",", victims)}");

        // Does Aspire bring it back by itself?
        var selfRestarted = false;
        var deadline = _clock.Elapsed + TimeSpan.FromSeconds(5);
        while (_clock.Elapsed < deadline)
        {
            if (ServiceProcesses(executable).Except(victims).Any())
            {
                selfRestarted = true;
                break;
            }

            await Task.Delay(250, cancellation);
        }

        string how;
        if (selfRestarted)
        {
            how = "Aspire restarted it by itself";
        }
        else
        {
            var result = await Commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellation);
            how = result.Success ? "not restarted by Aspire; started with the resource-start command" : $"resource-start failed: {result.Message}";
        }

        var healthy = await WaitHealthyAsync(resource, cancellation);
        var downtime = _clock.Elapsed - started;
        Note($"{resource}: {how}; healthy again: {healthy} after {downtime.TotalSeconds:0.0} s");
        return new FaultRecord($"SIGKILL {resource}", healthy, how, downtime);
    }

    private async Task<FaultRecord> RestartAsync(string resource, CancellationToken cancellation)
    {
        var started = _clock.Elapsed;
        var result = await Commands.ExecuteCommandAsync(resource, KnownResourceCommands.RestartCommand, cancellation);
        var how = "resource-restart command";
        if (!result.Success)
        {
            Note($"{resource}: resource-restart failed ({result.Message}); stopping it with SIGTERM as an operator would, then resource-start");
            how = $"resource-restart failed ({result.Message}); SIGTERM to the resource's process, then resource-start";
            var victims = ResourceProcesses(resource);
            foreach (var pid in victims)
            {
                using var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(cancellation);
            }

            var deadline = _clock.Elapsed + TimeSpan.FromSeconds(60);
            while (ResourceProcesses(resource).Intersect(victims).Any() && _clock.Elapsed < deadline)
            {
                await Task.Delay(250, cancellation);
            }

            result = await Commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellation);
            how += result.Success ? string.Empty : $"; resource-start failed: {result.Message}";
        }

        var healthy = result.Success && await WaitHealthyAsync(resource, cancellation);
        var downtime = _clock.Elapsed - started;
        Note($"{resource}: {how}; healthy again: {healthy} after {downtime.TotalSeconds:0.0} s");
        return new FaultRecord($"restart {resource}", healthy, how, downtime);
    }

    private async Task<FaultRecord> ShopOutageAsync(TimeSpan length, CancellationToken cancellation)
    {
        Note("Shopify sandbox: outage on (every Admin API call answers 503)");
        await topology.PutShopFaultsAsync(new { outage = true }, cancellation);
        await Task.Delay(length, cancellation);
        await topology.PutShopFaultsAsync(new { }, cancellation);
        Note("Shopify sandbox: outage off");
        return new FaultRecord("Shopify sandbox down", true, "sandbox fault control `outage`", length);
    }

    private async Task<FaultRecord> ThreePLOutageAsync(TimeSpan length, CancellationToken cancellation)
    {
        Note("3PL sandbox: outage on (every call the 3PL adapter makes answers 503)");
        await topology.PutThreePLFaultsAsync(new { down = true, duplicates = true, outOfOrder = true }, cancellation);
        await Task.Delay(length, cancellation);
        await topology.PutThreePLFaultsAsync(ThreePLDuplicatesOutOfOrder, cancellation);
        Note("3PL sandbox: outage off");
        return new FaultRecord("3PL sandbox down", true, "sandbox fault control `down`", length);
    }

    private ResourceCommandService Commands => topology.App.Services.GetRequiredService<ResourceCommandService>();

    private async Task<bool> WaitHealthyAsync(string resource, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await topology.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The local infrastructure's launcher process (run-postgres.sh, or redis-server itself) for this topology's data directory.</summary>
    private List<int> ResourceProcesses(string resource) =>
        [.. MemorySampler.All().Where(p => (p.Command.Contains(topology.DataDirectory, StringComparison.Ordinal) || WorksIn(p.Pid, topology.DataDirectory))
            && (resource == "postgres" ? p.Command.Contains("run-postgres.sh", StringComparison.Ordinal) : p.Command.StartsWith("redis-server", StringComparison.Ordinal) || p.Command.Contains("/redis-server", StringComparison.Ordinal)))
            .Select(p => p.Pid)];

    private static bool WorksIn(int pid, string directory)
    {
        try
        {
            return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget?.StartsWith(directory, StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    // DCP re-parents what it runs, so the service is found by its executable's path in this repository.
    private List<int> ServiceProcesses(string executable) =>
        [.. MemorySampler.All().Where(p => p.Command.Split(' ')[0] is var path
            && path.StartsWith(repositoryRoot, StringComparison.Ordinal) && path.EndsWith($"/{executable}", StringComparison.Ordinal)).Select(p => p.Pid)];

    /// <summary>
    /// Waits (up to 10 minutes) until every delivered order is accepted or beyond, no outbox holds a row, both channels
    /// show the truth and every shipment has shipped and reached its order and the ERP.
    /// </summary>
    private async Task<TimeSpan> QuiesceAsync(CancellationToken cancellation)
    {
        var started = _clock.Elapsed;
        var deadline = started + TimeSpan.FromMinutes(10);
        while (_clock.Elapsed < deadline)
        {
            var missing = (await MissingOrdersAsync(cancellation)).Count;
            var waiting = await ScalarAsync(orders, "SELECT count(*) FROM orders WHERE channel = 'shopify' AND status IN ('received', 'reserved')", cancellation);
            var outboxes = 0L;
            foreach (var database in TableReads.Databases)
            {
                outboxes += await OutboxRowsAsync(database, cancellation);
            }

            var mismatches = (await ChannelMismatchesAsync(cancellation)).Count;
            var shipments = await ShipmentsAsync(cancellation);
            var unposted = Math.Abs(shipments.ThreePLShipped - shipments.Shipped.Count) + shipments.NotOnOrder.Count + shipments.NotInErp.Count;
            if (missing == 0 && waiting == 0 && outboxes == 0 && mismatches == 0 && shipments.NotShipped == 0 && unposted == 0)
            {
                Note($"quiet after {(_clock.Elapsed - started).TotalSeconds:0} s");
                return _clock.Elapsed - started;
            }

            Note($"waiting: {missing} orders missing, {waiting} not yet accepted, {outboxes} outbox rows older than 30 s, {mismatches} channel quantities off, "
                + $"{shipments.NotShipped} shipments not shipped yet, {shipments.ThreePLShipped} shipped by the 3PL, {shipments.Shipped.Count} shipped in fulfillment, "
                + $"{shipments.NotOnOrder.Count} of them not on their order yet, {shipments.NotInErp.Count} not in the ERP yet");
            await Task.Delay(QuiescencePoll, cancellation);
        }

        Note("not quiet after 10 minutes; reconciling what there is");
        return _clock.Elapsed - started;
    }

    private async Task<List<Check>> ReconcileAsync(CancellationToken cancellation)
    {
        var checks = new List<Check>();
        var delivered = _sent.Where(s => s.Value.Completion.Result).Select(s => s.Key.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        var undelivered = _sent.Count - delivered.Count;

        var missing = await MissingOrdersAsync(cancellation);
        checks.Add(new Check("zero orders lost", missing.Count == 0,
            $"{delivered.Count} distinct orders delivered (every webhook twice; {_sent.Values.Count(o => o.OutOfOrder)} with orders/updated first), {missing.Count} not in ordersdb"
            + (missing.Count > 0 ? $": {string.Join(", ", missing.Take(20))}" : string.Empty)
            + (undelivered > 0 ? $"; {undelivered} orders never got a 2xx after all retries (not expected to exist)" : string.Empty)));

        var duplicates = new List<string>();
        await using (var command = orders.CreateCommand(
            "SELECT channel_order_id, count(*) FROM orders WHERE channel = 'shopify' GROUP BY channel_order_id HAVING count(*) > 1"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                duplicates.Add($"{reader.GetString(0)} ×{reader.GetInt64(1)}");
            }
        }

        var duplicateLines = await ScalarAsync(orders,
            "SELECT count(*) FROM (SELECT order_id FROM order_lines GROUP BY order_id HAVING count(*) > 1) d", cancellation);
        await using var inventory = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("inventorydb", cancellation));
        var doubleReserved = await ScalarAsync(inventory,
            "SELECT count(*) FROM (SELECT order_id, line_id FROM reservations WHERE state <> 'released' GROUP BY order_id, line_id HAVING sum(quantity) > 1) d", cancellation);
        checks.Add(new Check("zero orders duplicated", duplicates.Count == 0 && duplicateLines == 0 && doubleReserved == 0,
            $"{duplicates.Count} channel orders stored more than once{(duplicates.Count > 0 ? $" ({string.Join(", ", duplicates.Take(20))})" : string.Empty)}; "
            + $"{duplicateLines} orders with more lines than sent; {doubleReserved} order lines reserved more than once"));

        var statuses = new List<string>();
        await using (var command = orders.CreateCommand("SELECT status, count(*) FROM orders WHERE channel = 'shopify' GROUP BY status ORDER BY status"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                statuses.Add($"{reader.GetString(0)} {reader.GetInt64(1)}");
            }
        }

        var stuck = await ScalarAsync(orders, "SELECT count(*) FROM orders WHERE channel = 'shopify' AND status IN ('received', 'reserved')", cancellation);
        checks.Add(new Check("every order went through (accepted or beyond)", stuck == 0, $"orders by status: {string.Join(", ", statuses)}"));

        var mismatches = await ChannelMismatchesAsync(cancellation);
        checks.Add(new Check("every channel's quantity equals inventory's truth", mismatches.Count == 0,
            mismatches.Count == 0 ? $"{orderSkus.Count + 2} SKUs × Shopify and Amazon equal" : string.Join("; ", mismatches)));

        var oversold = await ScalarAsync(inventory, "SELECT count(*) FROM positions WHERE reserved > on_hand", cancellation);
        var ledgerOff = await ScalarAsync(inventory,
            """
            SELECT count(*) FROM positions p
            LEFT JOIN (SELECT sku, location_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved FROM ledger GROUP BY sku, location_id) l
              USING (sku, location_id)
            WHERE p.on_hand <> coalesce(l.on_hand, 0) OR p.reserved <> coalesce(l.reserved, 0)
            """, cancellation);
        var heldVersusReserved = await ScalarAsync(inventory,
            """
            SELECT count(*) FROM positions p
            LEFT JOIN (SELECT sku, location_id, sum(quantity) AS held FROM reservations WHERE state = 'held' GROUP BY sku, location_id) r USING (sku, location_id)
            WHERE p.reserved <> coalesce(r.held, 0)
            """, cancellation);
        checks.Add(new Check("zero oversold units", oversold == 0 && ledgerOff == 0 && heldVersusReserved == 0,
            $"{oversold} positions with reserved > on hand; {ledgerOff} positions differing from their ledger; {heldVersusReserved} positions whose reserved differs from their held reservations"));

        var shipments = await ShipmentsAsync(cancellation);
        var doubled = shipments.ErpNumbers.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var unknown = shipments.ErpNumbers.Where(n => !shipments.OrderShipments.Contains(n)).ToList();
        var problems = shipments.NotOnOrder.Concat(shipments.OnOrderTwice).Concat(shipments.NotInErp).Concat(doubled).Concat(unknown).ToList();
        checks.Add(new Check("every shipment reached fulfillment, its order and the ERP exactly once",
            shipments.NotShipped == 0 && shipments.ThreePLShipped == shipments.Shipped.Count && problems.Count == 0,
            $"{shipments.NotShipped} shipments not shipped; the 3PL shipped {shipments.ThreePLShipped} ({shipments.ThreePLPosted} posts to the platform, every document and event twice); "
            + $"fulfillment has {shipments.Shipped.Count} shipped, {shipments.NotOnOrder.Count} of them not on their order and {shipments.OnOrderTwice.Count} on it twice; "
            + $"the ERP holds {shipments.ErpNumbers.Count} sales shipments ({shipments.RefusedDuplicates} postings refused as duplicates): "
            + $"{shipments.NotInErp.Count} order shipments missing, {doubled.Count} twice, {unknown.Count} for no order shipment"
            + (problems.Count > 0 ? $": {string.Join(", ", problems.Take(20))}" : string.Empty)));

        var leftovers = new List<string>();
        foreach (var database in TableReads.Databases)
        {
            var outbox = await OutboxRowsAsync(database, cancellation);
            if (outbox > 0)
            {
                leftovers.Add($"{database}: {outbox} outbox rows older than 30 s");
            }

            await using var source = NpgsqlDataSource.Create(await topology.ConnectionStringAsync(database, cancellation));
            try
            {
                await using var command = source.CreateCommand("SELECT subscription, event_type, left(error, 160), attempts FROM dead_letters WHERE status = 'pending'");
                await using var reader = await command.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    leftovers.Add($"{database}: dead letter {reader.GetString(0)} {reader.GetString(1)} after {reader.GetInt32(3)} attempts: {reader.GetString(2)}");
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // This database has no messaging tables.
            }
        }

        checks.Add(new Check("no event stuck in an outbox or dead letters", leftovers.Count == 0, leftovers.Count == 0 ? "no outbox row older than 30 s, no pending dead letter" : string.Join("; ", leftovers.Take(30))));
        return checks;
    }

    private async Task<List<string>> MissingOrdersAsync(CancellationToken cancellation)
    {
        var delivered = _sent.Where(s => s.Value.Completion.IsCompletedSuccessfully && s.Value.Completion.Result)
            .Select(s => s.Key.ToString(CultureInfo.InvariantCulture)).ToArray();
        await using var command = orders.CreateCommand(
            "SELECT id FROM unnest($1::text[]) AS id WHERE NOT EXISTS (SELECT 1 FROM orders WHERE channel = 'shopify' AND channel_order_id = id)");
        command.Parameters.Add(new NpgsqlParameter { Value = delivered });
        var missing = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            missing.Add(reader.GetString(0));
        }

        return missing;
    }

    /// <summary>
    /// Shipments as the 3PL, fulfillment, the orders and the ERP see them, read in that order (the order they flow in),
    /// so a shipment on its way shows as not arrived yet, never as arrived twice.
    /// </summary>
    private async Task<ShipmentTally> ShipmentsAsync(CancellationToken cancellation)
    {
        var (threePLShipped, posted) = await topology.ThreePLShippedAsync(cancellation);
        await using var fulfillment = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("fulfillmentdb", cancellation));
        var notShipped = await ScalarAsync(fulfillment, "SELECT count(*) FROM shipments WHERE cancelled_at IS NULL AND progress <> ALL($1)", ShippedProgress, cancellation);
        var shipped = new HashSet<Guid>();
        await using (var command = fulfillment.CreateCommand("SELECT shipment_id FROM shipments WHERE cancelled_at IS NULL AND progress = ANY($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ShippedProgress });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                shipped.Add(reader.GetGuid(0));
            }
        }

        // OrderService records each fulfillment shipment on its order under a shipment id of its own; the ERP adapter
        // queues the order's sales shipment under that id (postings.source_reference) with the external document
        // number the ERP deduplicates on.
        var onOrder = new Dictionary<Guid, int>();
        var orderShipmentIds = new List<string>();
        await using (var command = orders.CreateCommand("SELECT shipment_id, fulfillment_shipment_id FROM order_shipments"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                orderShipmentIds.Add(reader.GetString(0));
                if (!reader.IsDBNull(1))
                {
                    onOrder[reader.GetGuid(1)] = onOrder.GetValueOrDefault(reader.GetGuid(1)) + 1;
                }
            }
        }

        var queued = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var erpdb = NpgsqlDataSource.Create(await topology.ConnectionStringAsync("erpdb", cancellation)))
        await using (var command = erpdb.CreateCommand("SELECT source_reference, document_number FROM postings WHERE document_type = 'sales_shipment'"))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                queued[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var (erp, refused) = await topology.ErpShipmentsAsync(cancellation);
        var inErp = erp.ToHashSet(StringComparer.Ordinal);
        var notInErp = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in orderShipmentIds)
        {
            if (!queued.TryGetValue(id, out var number))
            {
                notInErp.Add($"{id} not queued for the ERP");
            }
            else if (!inErp.Contains(number))
            {
                notInErp.Add($"{id} ({number}) not in the ERP");
            }
            else
            {
                expected.Add(number);
            }
        }

        return new ShipmentTally(
            threePLShipped, posted, notShipped, shipped,
            [.. shipped.Where(id => !onOrder.ContainsKey(id)).Select(id => $"{id} not on its order")],
            [.. onOrder.Where(o => o.Value > 1).Select(o => $"{o.Key} on its order {o.Value} times")],
            expected, notInErp, erp, refused);
    }

    private async Task<List<string>> ChannelMismatchesAsync(CancellationToken cancellation)
    {
        var mismatches = new List<string>();
        var amazon = await topology.AmazonQuantitiesAsync(cancellation);
        foreach (var sku in orderSkus.Append(StockSku).Append(probeSku))
        {
            var shopTruth = await topology.TruthAsync(sku, "shopify", cancellation);
            var amazonTruth = await topology.TruthAsync(sku, "amazon", cancellation);
            var shop = (await topology.ShopQuantityAsync(sku, cancellation))?.Available;
            var listed = amazon.GetValueOrDefault(sku)?.Quantity;
            if (shop != shopTruth)
            {
                mismatches.Add($"{sku} Shopify shows {shop?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}, truth {shopTruth}");
            }

            if (listed != amazonTruth)
            {
                mismatches.Add($"{sku} Amazon shows {listed?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}, truth {amazonTruth}");
            }
        }

        return mismatches;
    }

    private async Task<long> OutboxRowsAsync(string database, CancellationToken cancellation)
    {
        await using var source = NpgsqlDataSource.Create(await topology.ConnectionStringAsync(database, cancellation));
        try
        {
            // Work still flows after the load stops (the sandbox 3PL ships and delivers at its own pace), so a row is
            // stuck only once the relay has left it for half a minute.
            return await ScalarAsync(source, "SELECT count(*) FROM outbox WHERE created_at < now() - interval '30 seconds'", cancellation);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource source, string sql, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource source, string sql, object parameter, CancellationToken cancellation)
    {
        await using var command = source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture);
    }

    private string Report(List<FaultRecord> faults, TimeSpan quiet, List<Check> checks)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Load: {rate} Shopify orders/s through the gateway, {_sent.Count} orders, every webhook delivered twice (same webhook id; half concurrently), "
            + $"every tenth order's orders/updated before its orders/create; {_attempts} HTTP deliveries, {_refusals} refused or failed and retried with back-off (Shopify's contract). "
            + $"The sandbox 3PL posted every shipping document and tracking event twice, delivered before in transit. "
            + $"Stock of {StockSku} changed every 3 s throughout. Quiescence took {quiet.TotalSeconds:0} s after the load stopped.");
        text.AppendLine();
        text.AppendLine("| fault | recovered | how | down for s |");
        text.AppendLine("|---|---|---|---|");
        foreach (var fault in faults)
        {
            text.AppendLine(c, $"| {fault.Name} | {(fault.Recovered ? "yes" : "**no**")} | {fault.How} | {fault.Downtime.TotalSeconds:0.0} |");
        }

        text.AppendLine();
        text.AppendLine("| reconciliation check | result | detail |");
        text.AppendLine("|---|---|---|");
        foreach (var check in checks)
        {
            text.AppendLine(c, $"| {check.Name} | {(check.Passed ? "pass" : "**FAIL**")} | {check.Detail.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        text.AppendLine();
        text.AppendLine("<details><summary>timeline</summary>");
        text.AppendLine();
        text.AppendLine("```");
        foreach (var line in _log.Order(StringComparer.Ordinal))
        {
            text.AppendLine(line);
        }

        text.AppendLine("```");
        text.AppendLine("</details>");
        return text.ToString();
    }

    private sealed record OrderDelivery(bool OutOfOrder, Task<bool> Completion);

    private sealed record FaultRecord(string Name, bool Recovered, string How, TimeSpan Downtime);

    private sealed record Check(string Name, bool Passed, string Detail);

    private sealed record ShipmentTally(
        int ThreePLShipped, int ThreePLPosted, long NotShipped, HashSet<Guid> Shipped, List<string> NotOnOrder, List<string> OnOrderTwice,
        HashSet<string> OrderShipments, List<string> NotInErp, List<string> ErpNumbers, long RefusedDuplicates);
}
