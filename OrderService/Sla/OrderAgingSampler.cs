using System.Diagnostics.Metrics;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Npgsql;

namespace Distribution.Aspire.OrderService.Sla;

/// <summary>
/// Order aging: how many orders are open in each status and channel, and how long ago the oldest of them was
/// received. Sampled from the database in the background; the gauges only read the last sample.
/// </summary>
public sealed class OrderAgingSampler(NpgsqlDataSource database, OrderTelemetry telemetry, TimeProvider time) : IGaugeSampler
{
    /// <summary>Statuses in which the order still waits for us (shipped and later are the carrier's or closed).</summary>
    private static readonly string[] OpenStatuses =
        [.. new[] { OrderStatus.Received, OrderStatus.Reserved, OrderStatus.Backordered, OrderStatus.Accepted, OrderStatus.Released, OrderStatus.PartiallyShipped }
            .Select(s => s.ToWire())];

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        // Counting every open order is a scan that grows with them (112-175 ms at 100,000 in benchmarks/orders.sh).
        // PostgreSQL would run it with parallel workers, taking every core of a small host for that long, every sample;
        // without them it takes one core, a little longer, and leaves the rest to the orders. One implicit transaction:
        // the setting ends with it.
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('max_parallel_workers_per_gather', '0', true)"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            "SELECT status, channel, count(*), min(created_at) FROM orders WHERE status = ANY($1) GROUP BY status, channel")
        {
            Parameters = { new() { Value = OpenStatuses } },
        });
        var now = time.GetUtcNow();
        var counts = new List<Measurement<long>>();
        var ages = new List<Measurement<double>>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                KeyValuePair<string, object?>[] tags = [new("status", reader.GetString(0)), new("channel", reader.GetString(1))];
                counts.Add(new(reader.GetInt64(2), tags));
                ages.Add(new(Math.Max(0, (now - reader.GetFieldValue<DateTimeOffset>(3)).TotalSeconds), tags));
            }
        }

        telemetry.OpenOrders.Set(counts);
        telemetry.OldestOpenAge.Set(ages);
    }
}
