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
        await using var command = database.CreateCommand(
            "SELECT status, channel, count(*), min(created_at) FROM orders WHERE status = ANY(@open) GROUP BY status, channel");
        command.Parameters.AddWithValue("open", OpenStatuses);
        var now = time.GetUtcNow();
        var counts = new List<Measurement<long>>();
        var ages = new List<Measurement<double>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
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
