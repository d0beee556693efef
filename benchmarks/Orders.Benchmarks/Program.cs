using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.Contracts.Orders.V1;
using Grpc.Net.Client;

// Orders through the real services over gRPC; benchmarks/orders.sh runs this next to pgbench
// running the equivalent two-insert transaction (order row + outbox row) against the same server.
var settings = args.Chunk(2).ToDictionary(pair => pair[0].TrimStart('-'), pair => pair[1]);
var clients = int.Parse(settings.GetValueOrDefault("clients", "16"), CultureInfo.InvariantCulture);
var seconds = int.Parse(settings.GetValueOrDefault("seconds", "10"), CultureInfo.InvariantCulture);
var rate = int.Parse(settings.GetValueOrDefault("rate", "200"), CultureInfo.InvariantCulture);
var rateSeconds = int.Parse(settings.GetValueOrDefault("rate-seconds", "10"), CultureInfo.InvariantCulture);
var warmupSeconds = int.Parse(settings.GetValueOrDefault("warmup-seconds", "5"), CultureInfo.InvariantCulture);
var leadInSeconds = int.Parse(settings.GetValueOrDefault("lead-in-seconds", "5"), CultureInfo.InvariantCulture);
const int Skus = 100;
var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

using var ordersChannel = GrpcChannel.ForAddress(settings["orders"]);
using var inventoryChannel = GrpcChannel.ForAddress(settings["inventory"]);
var orders = new Orders.OrdersClient(ordersChannel);
var inventory = new Inventory.InventoryClient(inventoryChannel);

// Plenty of stock, so every order reserves and the measure is the path, not backorders.
await inventory.UpsertLocationAsync(new UpsertLocationRequest { LocationId = "BENCH-WH", Kind = "warehouse" });
for (var i = 0; i < Skus; i++)
{
    await inventory.AdjustStockAsync(new AdjustStockRequest { Sku = $"BENCH-{i}", LocationId = "BENCH-WH", Delta = 10_000_000, Reason = "receipt" });
}

if (settings.GetValueOrDefault("alone-only") == "true")
{
    Console.WriteLine($"submit_alone_orders_per_second={await SubmitAloneAsync(settings["pause-pid"]):0}");
    return 0;
}

// 0. Warm-up, not measured: freshly started services spend their first seconds compiling their hot paths
//    (a fifth of the CPU here), which a service that has been running for a day no longer does.
await SubmitFlatOutAsync("W", TimeSpan.FromSeconds(warmupSeconds));
await WaitUntilNoneReceivedAsync();

// 1. Throughput: as many SubmitOrder calls as the clients can make.
var throughputClock = Stopwatch.StartNew();
var submitted = await SubmitFlatOutAsync("T", TimeSpan.FromSeconds(seconds));
var submitRate = submitted / throughputClock.Elapsed.TotalSeconds;
await WaitUntilNoneReceivedAsync();

// 2. Received -> reserved at a fixed rate, from the order's own status history. The first lead-in seconds at that
//    rate are not measured: the services are still working off what phase 1 left behind (availability updates, the
//    relays' and vacuum's catch-up), which put the first second's p99 at 3-7 times the steady state's.
var ids = new ConcurrentBag<string>();
var paced = Stopwatch.StartNew();
var inFlight = new List<Task>();
var leadIn = rate * leadInSeconds;
var total = leadIn + (rate * rateSeconds);
for (var i = 0; i < total; i++)
{
    var wait = TimeSpan.FromSeconds((double)i / rate) - paced.Elapsed;
    if (wait > TimeSpan.FromMilliseconds(1))
    {
        await Task.Delay(wait);
    }

    var number = i;
    inFlight.Add(number < leadIn
        ? Task.Run(async () => await orders.SubmitOrderAsync(NewOrder($"L{run}-{number}", number)))
        : Task.Run(async () => ids.Add((await orders.SubmitOrderAsync(NewOrder($"R{run}-{number}", number))).Order.OrderId)));
}

await Task.WhenAll(inFlight);
await WaitUntilNoneReceivedAsync();
var latencies = new List<double>();
foreach (var id in ids)
{
    var order = await orders.GetOrderAsync(new GetOrderRequest { OrderId = id });
    var received = order.History.First(change => change.Status == OrderStatus.Received).At.ToDateTimeOffset();
    var reserved = order.History.FirstOrDefault(change => change.Status == OrderStatus.Reserved)?.At.ToDateTimeOffset();
    if (reserved is { } at)
    {
        latencies.Add((at - received).TotalMilliseconds);
    }
}

var sorted = latencies.Order().ToArray();

// 3. SubmitOrder alone (see SubmitAloneAsync), when asked for in this run; orders.sh runs it on its own instead.
double? aloneRate = settings.GetValueOrDefault("pause-pid") is { } pausePid ? await SubmitAloneAsync(pausePid) : null;

Console.WriteLine($"submit_orders_per_second={submitRate:0}");
Console.WriteLine($"submit_alone_orders_per_second={(aloneRate is { } alone ? alone.ToString("0", CultureInfo.InvariantCulture) : "")}");
Console.WriteLine($"latency_rate={rate}");
Console.WriteLine($"latency_samples={sorted.Length}");
Console.WriteLine($"latency_not_reserved={ids.Count - sorted.Length}");
Console.WriteLine($"latency_p50_ms={Percentile(sorted, 0.50):0.00}");
Console.WriteLine($"latency_p90_ms={Percentile(sorted, 0.90):0.00}");
Console.WriteLine($"latency_p99_ms={Percentile(sorted, 0.99):0.00}");
Console.WriteLine($"latency_max_ms={(sorted.Length > 0 ? sorted[^1] : 0):0.00}");
return 0;

SubmitOrderRequest NewOrder(string channelOrderId, int n) => new()
{
    Channel = "b2b",
    PartnerId = "bench",
    ChannelOrderId = channelOrderId,
    Currency = "USD",
    FulfillmentChannel = FulfillmentChannel.Merchant,
    ShipTo = new Address { Name = "Bench Buyer", Line1 = "1 Loop Rd", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
    Lines =
    {
        new OrderLine { LineId = "1", Sku = $"BENCH-{n % Skus}", Quantity = 1, UnitPrice = MoneyAmount.ToMoney(10m, "USD") },
    },
};

async Task<int> SubmitFlatOutAsync(string prefix, TimeSpan duration)
{
    var count = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
    {
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            await orders.SubmitOrderAsync(NewOrder($"{prefix}{run}-{client}-{n}", n));
            Interlocked.Increment(ref count);
        }
    }));
    return count;
}

// SubmitOrder with the inventory service stopped (SIGSTOP), so SubmitOrder and its outbox relay (still publishing to
// Redis) have the machine to themselves, as pgbench's transaction does: in phase 1, the reservations and acceptances
// the orders cause compete for the same two cores. Eight seconds unmeasured first, for a client process that has only
// just started: it recompiles its hot paths in the background for about 6 s (tiered compilation), taking 0.3-0.4 of the
// two cores from the services meanwhile, then runs at about 0.15. Its backlog is worked off before this returns, so
// nothing of it runs into what is measured next.
async Task<double> SubmitAloneAsync(string pausePid)
{
    double rate;
    Signal("STOP", pausePid);
    try
    {
        await SubmitFlatOutAsync("A", TimeSpan.FromSeconds(8));
        var aloneClock = Stopwatch.StartNew();
        rate = await SubmitFlatOutAsync("S", TimeSpan.FromSeconds(seconds)) / aloneClock.Elapsed.TotalSeconds;
    }
    finally
    {
        Signal("CONT", pausePid);
    }

    await WaitUntilNoneReceivedAsync();
    return rate;
}

async Task WaitUntilNoneReceivedAsync()
{
    var limit = Stopwatch.StartNew();
    var request = new ListOrdersRequest { PartnerId = "bench", PageSize = 1, Statuses = { OrderStatus.Received } };
    while ((await orders.ListOrdersAsync(request)).Orders.Count > 0)
    {
        if (limit.Elapsed > TimeSpan.FromMinutes(5))
        {
            throw new TimeoutException("Orders were still waiting for a reservation after 5 minutes.");
        }

        await Task.Delay(50);
    }
}

static void Signal(string signal, string pid)
{
    using var kill = Process.Start("kill", ["-" + signal, pid]);
    kill.WaitForExit();
    if (kill.ExitCode != 0)
    {
        throw new InvalidOperationException($"kill -{signal} {pid} failed");
    }
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
