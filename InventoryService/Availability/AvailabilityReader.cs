using Npgsql;

namespace Distribution.Aspire.InventoryService.Availability;

/// <summary>Availability for reads: from the Redis cache, else from Postgres (then cached). Reservations never read this.</summary>
public sealed class AvailabilityReader(NpgsqlDataSource database, AvailabilityCache cache, InventoryTelemetry telemetry, TimeProvider time)
{
    public async Task<AvailabilitySnapshot?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        var lookup = await cache.GetAsync(sku);
        if (lookup.Snapshot is { } cached)
        {
            telemetry.CacheReads.Add(1, new KeyValuePair<string, object?>("source", "cache"));
            return cached;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var snapshot = (await AvailabilityStore.LoadAsync(connection, null, [sku], time.GetUtcNow(), cancellationToken)).GetValueOrDefault(sku);
        telemetry.CacheReads.Add(1, new KeyValuePair<string, object?>("source", "database"));
        if (snapshot is not null && lookup.Generation is { } generation)
        {
            await cache.FillAsync(snapshot, generation);
        }

        return snapshot;
    }
}
