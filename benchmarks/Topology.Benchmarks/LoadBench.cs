using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// Stepped open-loop load: signed orders/create webhooks through the gateway on a fixed schedule (latency counts
/// from the scheduled send, so queueing in the client is not hidden), while a probe changes stock of a SKU no order
/// uses and times how long until each sandbox channel holds the new quantity.
/// </summary>
public sealed class LoadBench(Topology topology, ShopifyWebhooks webhooks, NpgsqlDataSource orders, MemorySampler memory, string probeSku)
{
    private readonly TableReads _tableReads = new(topology);

    // Pacing of the harness, not waits for the system: the drain is checked once a second, and a stock probe every 2 s
    // leaves the previous one time to reach both channels (a probe counts as missed after 15 s).
    private static readonly TimeSpan DrainPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(2);

    public async Task<string> RunAsync(IReadOnlyList<int> rates, TimeSpan stepLength, TimeSpan warmUpLength, CancellationToken cancellation)
    {
        // Warm-up, not reported: JIT, connection pools, the adapters' first SKU-map loads. Tiering takes a while with a
        // dozen .NET processes on two cores (in orders.sh a service still spent a third of its CPU compiling 25 s in).
        Console.WriteLine($"warm-up: 10 orders/s for {warmUpLength.TotalSeconds:0} s ...");
        var warmUp = await RunStepAsync(10, warmUpLength, cancellation);
        Console.WriteLine($"  warm-up accepted {warmUp.Accepted}/{warmUp.Offered}, accepted p50 {warmUp.AcceptedP50:0} ms");

        var results = new List<StepResult>();
        foreach (var rate in rates)
        {
            Console.WriteLine($"step {rate} orders/s for {stepLength.TotalSeconds:0} s ...");
            var result = await RunStepAsync(rate, stepLength, cancellation);
            results.Add(result);
            Console.WriteLine($"  accepted {result.Accepted}/{result.Offered}, {result.AcceptedPerSecond:0.0}/s, accepted p99 {result.AcceptedP99:0} ms, keeps up: {result.KeepsUp}");
            if (!result.KeepsUp)
            {
                break;
            }
        }

        return Report(results, rates, stepLength, warmUpLength);
    }

    private async Task<StepResult> RunStepAsync(int rate, TimeSpan length, CancellationToken cancellation)
    {
        var tablesBefore = await _tableReads.SnapshotAsync(cancellation);
        memory.Reset();
        var count = (int)(rate * length.TotalSeconds);
        var sent = new ConcurrentDictionary<long, (DateTimeOffset Scheduled, int Status, double ResponseMs)>();
        var tasks = new List<Task>(count);
        using var probeStop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var probe = ProbeAvailabilityAsync(probeStop.Token);

        var start = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var tickMs = 1000.0 / rate;
        for (var i = 0; i < count; i++)
        {
            var due = i * tickMs;
            var wait = due - clock.Elapsed.TotalMilliseconds;
            if (wait > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellation);
            }

            var scheduled = start.AddMilliseconds(due);
            var orderId = webhooks.NextOrderId();
            tasks.Add(SendOneAsync(orderId, scheduled, sent, cancellation));
        }

        var sendEnd = DateTimeOffset.UtcNow;
        await Task.WhenAll(tasks);
        var end = start + length;

        // Drain: wait for the backlog (orders sent with a 2xx) to be accepted, up to a minute of no progress.
        var ids = sent.Where(s => s.Value.Status is >= 200 and < 300).Select(s => s.Key.ToString(CultureInfo.InvariantCulture)).ToArray();
        Dictionary<string, (DateTime? Received, DateTime? Accepted)> seen = [];
        var lastProgress = DateTime.UtcNow;
        var lastCount = -1;
        while (true)
        {
            seen = await TransitionsAsync(ids, cancellation);
            var accepted = seen.Values.Count(v => v.Accepted is not null);
            if (accepted >= ids.Length)
            {
                break;
            }

            if (accepted != lastCount)
            {
                (lastCount, lastProgress) = (accepted, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - lastProgress > TimeSpan.FromSeconds(30))
            {
                break;
            }

            await Task.Delay(DrainPoll, cancellation);
        }

        await probeStop.CancelAsync();
        var probes = await probe;
        var tables = TableReads.Between(tablesBefore, await _tableReads.SnapshotAsync(cancellation));

        var acceptedTimes = seen.Values.Where(v => v.Accepted is not null).Select(v => new DateTimeOffset(v.Accepted!.Value, TimeSpan.Zero)).ToList();
        var lastAccepted = acceptedTimes.Count > 0 ? acceptedTimes.Max() : end;
        var acceptedLatency = new List<double>();
        var receivedLatency = new List<double>();
        foreach (var (id, times) in seen)
        {
            var scheduled = sent[long.Parse(id, CultureInfo.InvariantCulture)].Scheduled;
            if (times.Accepted is { } accepted)
            {
                acceptedLatency.Add((new DateTimeOffset(accepted, TimeSpan.Zero) - scheduled).TotalMilliseconds);
            }

            if (times.Received is { } received)
            {
                receivedLatency.Add((new DateTimeOffset(received, TimeSpan.Zero) - scheduled).TotalMilliseconds);
            }
        }

        acceptedLatency.Sort();
        receivedLatency.Sort();
        var responses = sent.Values.Where(s => s.Status is >= 200 and < 300).Select(s => s.ResponseMs).Order().ToList();
        var acceptedByEnd = acceptedTimes.Count(t => t <= end + TimeSpan.FromSeconds(5));
        var failures = sent.Values.Count(s => s.Status is < 200 or >= 300);
        return new StepResult(
            rate,
            count,
            failures,
            acceptedTimes.Count,
            acceptedTimes.Count / Math.Max((lastAccepted - start).TotalSeconds, length.TotalSeconds),
            (sendEnd - start).TotalSeconds,
            Math.Max(0, (lastAccepted - end).TotalSeconds),
            KeepsUp: failures <= count / 100 && acceptedTimes.Count >= ids.Length && acceptedByEnd >= ids.Length * 0.99,
            Percentile(responses, 0.50), Percentile(responses, 0.99),
            Percentile(receivedLatency, 0.50), Percentile(receivedLatency, 0.99),
            Percentile(acceptedLatency, 0.50), Percentile(acceptedLatency, 0.95), Percentile(acceptedLatency, 0.99), acceptedLatency.Count > 0 ? acceptedLatency[^1] : double.NaN,
            probes,
            memory.MaxPssBytes, memory.MaxRssBytes, memory.MaxSelfRssBytes, memory.Processes, memory.Cpu(), tables);
    }

    private async Task SendOneAsync(long orderId, DateTimeOffset scheduled, ConcurrentDictionary<long, (DateTimeOffset, int, double)> sent, CancellationToken cancellation)
    {
        var body = webhooks.Body(orderId);
        var status = await webhooks.SendAsync("orders/create", body, Guid.NewGuid().ToString(), cancellation);
        sent[orderId] = (scheduled, status, (DateTimeOffset.UtcNow - scheduled).TotalMilliseconds);
    }

    private async Task<Dictionary<string, (DateTime? Received, DateTime? Accepted)>> TransitionsAsync(string[] ids, CancellationToken cancellation)
    {
        await using var command = orders.CreateCommand(
            """
            SELECT o.channel_order_id,
                   min(h.at) FILTER (WHERE h.status = 'received'),
                   min(h.at) FILTER (WHERE h.status = 'accepted')
            FROM orders o JOIN order_status_history h USING (order_id)
            WHERE o.channel = 'shopify' AND o.channel_order_id = ANY($1)
            GROUP BY o.channel_order_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        var result = new Dictionary<string, (DateTime?, DateTime?)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            result[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetDateTime(1), reader.IsDBNull(2) ? null : reader.GetDateTime(2));
        }

        return result;
    }

    /// <summary>Every 2 s: one more unit of the probe SKU; the time until each channel was told the new quantity.</summary>
    private async Task<ProbeResult> ProbeAvailabilityAsync(CancellationToken cancellation)
    {
        var shop = new List<double>();
        var amazon = new List<double>();
        var missed = 0;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                var shopBefore = (await topology.ShopQuantityAsync(probeSku, cancellation))?.Available ?? -1;
                var amazonBefore = (await topology.AmazonQuantitiesAsync(cancellation)).GetValueOrDefault(probeSku)?.Quantity ?? -1;
                var changedAt = DateTimeOffset.UtcNow;
                await topology.AdjustAsync(probeSku, 1, cancellation);
                double? shopMs = null, amazonMs = null;
                var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
                while ((shopMs is null || amazonMs is null) && DateTimeOffset.UtcNow < deadline)
                {
                    if (shopMs is null && await topology.ShopQuantityAsync(probeSku, cancellation) is { } told && told.Available > shopBefore && told.LastToldAt >= changedAt)
                    {
                        shopMs = (told.LastToldAt - changedAt).TotalMilliseconds;
                    }

                    if (amazonMs is null && (await topology.AmazonQuantitiesAsync(cancellation)).GetValueOrDefault(probeSku) is { } listed
                        && listed.Quantity > amazonBefore && listed.UpdatedAt >= changedAt)
                    {
                        amazonMs = (listed.UpdatedAt - changedAt).TotalMilliseconds;
                    }

                    await Task.Delay(25, CancellationToken.None);
                }

                if (shopMs is { } s)
                {
                    shop.Add(s);
                }

                if (amazonMs is { } a)
                {
                    amazon.Add(a);
                }

                missed += (shopMs is null ? 1 : 0) + (amazonMs is null ? 1 : 0);
                await Task.Delay(ProbeInterval, cancellation);
            }
        }
        catch (OperationCanceledException)
        {
        }

        shop.Sort();
        amazon.Sort();
        return new ProbeResult(shop, amazon, missed);
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private string Report(List<StepResult> results, IReadOnlyList<int> rates, TimeSpan stepLength, TimeSpan warmUpLength)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        string Ms(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0", c);
        string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", c);
        text.AppendLine(c, $"Topology healthy after {topology.TimeToHealthy.TotalSeconds:0} s; unreported warm-up at 10 orders/s for {warmUpLength.TotalSeconds:0} s. Steps: {string.Join(", ", rates)} orders/s, {stepLength.TotalSeconds:0} s each (stops after the first step that does not keep up).");
        text.AppendLine();
        text.AppendLine("| offered/s | sent | refused | accepted | accepted/s | drain s | keeps up | webhook 2xx p50/p99 ms | → received p50/p99 ms | → accepted p50/p95/p99/max ms | stock → Shopify p50/p99 ms (n) | stock → Amazon p50/p99 ms (n) | probe misses | topology PSS / RSS MB (procs) | bench process RSS MB |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(c,
                $"| {r.Rate} | {r.Offered} | {r.Refused} | {r.Accepted} | {r.AcceptedPerSecond:0.0} | {r.DrainSeconds:0.0} | {(r.KeepsUp ? "yes" : "**no**")} | {Ms(r.ResponseP50)}/{Ms(r.ResponseP99)} | {Ms(r.ReceivedP50)}/{Ms(r.ReceivedP99)} | {Ms(r.AcceptedP50)}/{Ms(r.AcceptedP95)}/{Ms(r.AcceptedP99)}/{Ms(r.AcceptedMax)} | {Ms(Percentile(r.Probe.Shop, 0.5))}/{Ms(Percentile(r.Probe.Shop, 0.99))} ({r.Probe.Shop.Count}) | {Ms(Percentile(r.Probe.Amazon, 0.5))}/{Ms(Percentile(r.Probe.Amazon, 0.99))} ({r.Probe.Amazon.Count}) | {r.Probe.Missed} | {Mb(r.MaxPss)} / {Mb(r.MaxRss)} ({r.Processes}) | {Mb(r.MaxSelfRss)} |");
        }

        var sustained = results.Where(r => r.KeepsUp).MaxBy(r => r.Rate);
        var at200 = results.FirstOrDefault(r => r.Rate == 200);
        var allShop = results.SelectMany(r => r.Probe.Shop).Order().ToList();
        var allAmazon = results.SelectMany(r => r.Probe.Amazon).Order().ToList();
        var maxPss = results.Count > 0 ? results.Max(r => r.MaxPss) : 0;
        var maxRss = results.Count > 0 ? results.Max(r => r.MaxRss) : 0;
        var selfRss = results.Count > 0 ? results.Max(r => r.MaxSelfRss) : 0;
        text.AppendLine();
        text.AppendLine("| target | measured | met |");
        text.AppendLine("|---|---|---|");
        text.AppendLine(c, $"| ≥ 500 orders/s sustained | {(sustained is null ? "none kept up" : $"{sustained.AcceptedPerSecond:0} orders/s (highest step that kept up: {sustained.Rate}/s)")} | {Met(sustained is not null && sustained.AcceptedPerSecond >= 500)} |");
        text.AppendLine(c, $"| gateway → accepted p99 ≤ 100 ms at 200 orders/s | {(at200 is null ? "not run" : $"{Ms(at200.AcceptedP99)} ms (p50 {Ms(at200.AcceptedP50)})")} | {Met(at200 is not null && at200.AcceptedP99 <= 100)} |");
        text.AppendLine(c, $"| availability change → channel acknowledged p99 ≤ 1 s | Shopify {Ms(Percentile(allShop, 0.99))} ms (p50 {Ms(Percentile(allShop, 0.5))}, n {allShop.Count}); Amazon {Ms(Percentile(allAmazon, 0.99))} ms (p50 {Ms(Percentile(allAmazon, 0.5))}, n {allAmazon.Count}) | {Met(allShop.Count > 0 && allAmazon.Count > 0 && Percentile(allShop, 0.99) <= 1000 && Percentile(allAmazon, 0.99) <= 1000)} |");
        text.AppendLine(c, $"| topology < 2 GB resident under load | PSS {Mb(maxPss)} MB (RSS sum {Mb(maxRss)} MB, double-counting postgres shared buffers); plus the benchmark process (in-process AppHost + load generator) {Mb(selfRss)} MB | {Met(maxPss + selfRss < 2L * 1024 * 1024 * 1024)} |");
        text.AppendLine();
        foreach (var r in results)
        {
            var cores = Environment.ProcessorCount;
            text.AppendLine();
            text.AppendLine(c, $"Where the CPU went at {r.Rate} orders/s (send + drain, {r.Cpu.WallSeconds:0} s): the machine was busy {r.Cpu.MachineBusySeconds:0} of {r.Cpu.WallSeconds * cores:0} CPU-seconds ({100 * r.Cpu.MachineBusySeconds / Math.Max(1, r.Cpu.WallSeconds * cores):0}%); per accepted order {1000 * r.Cpu.MachineBusySeconds / Math.Max(1, r.Accepted):0} ms.");
            text.AppendLine();
            text.AppendLine("| process group | CPU-s | ms per accepted order | share of busy |");
            text.AppendLine("|---|---|---|---|");
            foreach (var (group, seconds) in r.Cpu.ByGroup.Where(g => g.Value >= 0.5).OrderByDescending(g => g.Value))
            {
                text.AppendLine(c, $"| {group} | {seconds:0.0} | {1000 * seconds / Math.Max(1, r.Accepted):0.0} | {100 * seconds / Math.Max(1, r.Cpu.MachineBusySeconds):0}% |");
            }

            text.AppendLine();
            text.AppendLine(c, $"Tables visited most at {r.Rate} orders/s (blocks read from shared buffers or disk, over the same time):");
            text.AppendLine();
            text.AppendLine("| table | heap blocks per order | index blocks per order | sequential scans | index scans | pages now |");
            text.AppendLine("|---|---|---|---|---|---|");
            foreach (var t in r.Tables.Take(12))
            {
                double PerOrder(long blocks) => (double)blocks / Math.Max(1, r.Accepted);
                text.AppendLine(c, $"| {t.Table} | {PerOrder(t.HeapBlocks):0.0} | {PerOrder(t.IndexBlocks):0.0} | {t.SeqScans} | {t.IndexScans} | {t.Pages} |");
            }
        }

        text.AppendLine();
        text.AppendLine("Latency is measured from the scheduled send time (open loop) to the order's own status-history rows in ordersdb (same host clock). "
            + "Channel acknowledged = the sandbox shop's `LastToldAt` / the Amazon sandbox's `UpdatedAt` for the new quantity of a probe SKU that no order uses, after an admin stock adjustment through the gateway; a probe miss is a change not seen within 15 s. "
            + "Memory is sampled every five seconds over every process of the topology (DCP, services, sandbox, postgres and its backends, redis-server).");
        return text.ToString();
    }

    private static string Met(bool met) => met ? "yes" : "**no**";
}

public sealed record ProbeResult(List<double> Shop, List<double> Amazon, int Missed);

public sealed record StepResult(
    int Rate, int Offered, int Refused, int Accepted, double AcceptedPerSecond, double SendSeconds, double DrainSeconds, bool KeepsUp,
    double ResponseP50, double ResponseP99, double ReceivedP50, double ReceivedP99,
    double AcceptedP50, double AcceptedP95, double AcceptedP99, double AcceptedMax,
    ProbeResult Probe, long MaxPss, long MaxRss, long MaxSelfRss, int Processes, CpuUsage Cpu, List<TableDelta> Tables);
