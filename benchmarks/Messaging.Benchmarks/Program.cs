using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Benchmarks;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.Transport;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Redis;
using Npgsql;

// Side-by-side numbers for the event backbone; benchmarks/messaging.sh runs this next to
// redis-benchmark (raw XADD) and pgbench (a two-insert transaction) against the same servers.
var settings = args.Chunk(2).ToDictionary(pair => pair[0].TrimStart('-'), pair => pair[1]);
var clients = int.Parse(settings.GetValueOrDefault("clients", "16"), CultureInfo.InvariantCulture);
var events = int.Parse(settings.GetValueOrDefault("events", "20000"), CultureInfo.InvariantCulture);
var rate = int.Parse(settings.GetValueOrDefault("rate", "1000"), CultureInfo.InvariantCulture);
var seconds = int.Parse(settings.GetValueOrDefault("seconds", "10"), CultureInfo.InvariantCulture);
var warmup = int.Parse(settings.GetValueOrDefault("warmup-events", (events / 4).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

// Each latency with the moment it was recorded, so the paced phase can be read second by second.
var latencies = new ConcurrentBag<(long At, double Ms)>();
var databaseRoundTrips = 0L;
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if ((instrument.Meter.Name == MessagingTelemetry.Name && instrument.Name == "messaging.events.latency")
        || (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.operation.duration"))
    {
        l.EnableMeasurementEvents(instrument);
    }
};

// Npgsql records one duration per command or batch it runs, i.e. per round trip to PostgreSQL.
listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
{
    if (instrument.Meter.Name == "Npgsql")
    {
        Interlocked.Increment(ref databaseRoundTrips);
    }
    else
    {
        latencies.Add((Stopwatch.GetTimestamp(), value));
    }
});
listener.Start();

var builder = Host.CreateApplicationBuilder();
builder.Configuration["ConnectionStrings:benchdb"] = settings["postgres"];
builder.Configuration["ConnectionStrings:redis"] = settings["redis"];
builder.Configuration["Messaging:KeyPrefix"] = $"bench{DateTime.UtcNow:HHmmss}:";
builder.Configuration["Messaging:Subscription"] = "bench";
builder.Configuration["OTEL_SERVICE_NAME"] = "bench";
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddServiceDatabase("benchdb", typeof(BenchPinged).Assembly);
// The services' Redis settings (AddServiceDefaults, which this host does not call, applies them there).
builder.AddRedisDefaults();
builder.AddRedisClient("redis");
builder.AddMessaging().AddEventHandler<BenchPinged, BenchPingedHandler>();
using var host = builder.Build();
await host.StartAsync();

var database = host.Services.GetRequiredService<NpgsqlDataSource>();
var bus = host.Services.GetRequiredService<IEventBus>();
var transport = host.Services.GetRequiredService<IEventTransport>();

// 1. The transport alone: one XADD per call, the same client count as redis-benchmark.
var envelope = new byte[300];
var transportClock = Stopwatch.StartNew();
await RunConcurrentlyAsync(clients, events, i => transport.PublishAsync([new OutgoingEvent($"t{i}", "bench-transport", $"k{i % 64}", envelope)], CancellationToken.None));
var transportRate = events / transportClock.Elapsed.TotalSeconds;

// Warm-up, not measured: the first few thousand events compile the hot paths (a fifth of the CPU at first),
// which a service that has been running for a while no longer pays. pgbench has nothing to compile.
await RunConcurrentlyAsync(clients, warmup, i => PublishAsync($"warm-{i % 256}", i));
await WaitForEffectsAsync(warmup);

// 2. Handled events: state change + outbox in one transaction, relayed, consumed, inbox + effect committed.
latencies.Clear();
var handledClock = Stopwatch.StartNew();
await RunConcurrentlyAsync(clients, events, i => PublishAsync($"key-{i % 256}", warmup + i));
var publishRate = events / handledClock.Elapsed.TotalSeconds;
await WaitForEffectsAsync(warmup + events);
var handledRate = events / handledClock.Elapsed.TotalSeconds;

// 3. Publish -> handled latency at a fixed rate.
latencies.Clear();
var total = rate * seconds;
var cpuBefore = ProcessCpu.Snapshot();
var switchesBefore = ContextSwitches.Snapshot();
var roundTripsBefore = Interlocked.Read(ref databaseRoundTrips);
var pacedStartedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
var pacedStarted = Stopwatch.GetTimestamp();
var paced = Stopwatch.StartNew();
var inFlight = new List<Task>(total);
for (var i = 0; i < total; i++)
{
    var due = TimeSpan.FromSeconds((double)i / rate);
    var wait = due - paced.Elapsed;
    if (wait > TimeSpan.FromMilliseconds(1))
    {
        await Task.Delay(wait);
    }

    inFlight.Add(PublishAsync($"rate-{i % 256}", warmup + events + i));
}

await Task.WhenAll(inFlight);
await WaitForEffectsAsync(warmup + events + total);
var cpu = ProcessCpu.Snapshot() - cpuBefore;
var switches = ContextSwitches.Snapshot() - switchesBefore;
var roundTrips = Interlocked.Read(ref databaseRoundTrips) - roundTripsBefore;
var sorted = latencies.Select(latency => latency.Ms).Order().ToArray();
var secondsMax = latencies
    .GroupBy(latency => (int)Stopwatch.GetElapsedTime(pacedStarted, latency.At).TotalSeconds)
    .OrderBy(second => second.Key)
    .Select(second => second.Max(latency => latency.Ms).ToString("0.0", CultureInfo.InvariantCulture));
var pacedEndedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

await host.StopAsync();

Console.WriteLine($"transport_events_per_second={transportRate:0}");
Console.WriteLine($"handled_events_per_second={handledRate:0}");
Console.WriteLine($"published_events_per_second={publishRate:0}");
Console.WriteLine($"latency_rate={rate}");
Console.WriteLine($"latency_samples={sorted.Length}");
Console.WriteLine($"latency_p50_ms={Percentile(sorted, 0.50):0.00}");
Console.WriteLine($"latency_p90_ms={Percentile(sorted, 0.90):0.00}");
Console.WriteLine($"latency_p99_ms={Percentile(sorted, 0.99):0.00}");
Console.WriteLine($"latency_max_ms={(sorted.Length > 0 ? sorted[^1] : 0):0.00}");
Console.WriteLine($"paced_started_unix_ms={pacedStartedUnixMs}");
Console.WriteLine($"paced_ended_unix_ms={pacedEndedUnixMs}");
Console.WriteLine($"paced_max_ms_by_second={string.Join(' ', secondsMax)}");
Console.WriteLine($"paced_database_round_trips_per_event={(double)roundTrips / total:0.00}");
Console.WriteLine($"paced_cpu_us_per_event_benchmark={cpu.Benchmark.TotalMicroseconds / total:0}");
Console.WriteLine($"paced_cpu_us_per_event_postgres={cpu.Postgres.TotalMicroseconds / total:0}");
Console.WriteLine($"paced_cpu_us_per_event_redis={cpu.Redis.TotalMicroseconds / total:0}");
Console.WriteLine($"paced_context_switches_per_event_benchmark={(double)switches.Benchmark / total:0.0}");
Console.WriteLine($"paced_context_switches_per_event_postgres={(double)switches.Postgres / total:0.0}");
return 0;

async Task PublishAsync(string key, int sequence)
{
    // The state change is a new row (as an accepted order is), the same shape as pgbench's first
    // insert; state and event go as one batch, i.e. one implicit transaction and one round trip.
    await using var connection = await database.OpenConnectionAsync();
    await using var batch = bus.CreateBatch(connection);
    batch.Add(new NpgsqlBatchCommand("INSERT INTO bench_state (key) VALUES ($1)") { Parameters = { new() { Value = key } } });
    batch.Publish(new BenchPinged(key, sequence));
    await batch.CommitAsync();
}

async Task WaitForEffectsAsync(long expected)
{
    var limit = Stopwatch.StartNew();
    while (limit.Elapsed < TimeSpan.FromMinutes(5))
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM bench_effects");
        if ((long)(await command.ExecuteScalarAsync())! >= expected)
        {
            return;
        }

        await Task.Delay(5);
    }

    throw new TimeoutException($"Fewer than {expected} events were handled within 5 minutes.");
}

static async Task RunConcurrentlyAsync(int clients, int count, Func<int, Task> work)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            await work(i);
        }
    }));
}

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
