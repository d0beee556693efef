using Distribution.Aspire.InventoryService.Availability;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>
/// A reconnecting multiplexer cancels the commands it had in flight, which reaches the cache as a
/// TaskCanceledException, not a RedisException. The cache treats that like Redis being down: a read is a miss (the
/// caller reads Postgres) and a fill or an invalidation is skipped, never an error for the partner's request.
/// </summary>
public sealed class AvailabilityCacheTests(TestServers servers)
{
    [Fact]
    public async Task Commands_cancelled_by_a_reconnect_are_misses_and_skips_not_errors()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var cache = new AvailabilityCache(CancellingEveryCommand(redis), Options.Create(new InventoryOptions()), NullLogger<AvailabilityCache>.Instance);
        var snapshot = new AvailabilitySnapshot("SKU-CANCELLED", [], [], DateTimeOffset.UtcNow);

        var lookup = await cache.GetAsync("SKU-CANCELLED");
        await cache.FillAsync(snapshot, "0");
        await cache.InvalidateAsync(["SKU-CANCELLED"]);

        Assert.Null(lookup.Snapshot);
        Assert.Null(lookup.Generation);
    }

    private static IConnectionMultiplexer CancellingEveryCommand(IConnectionMultiplexer real) =>
        Interceptor.Wrap(real, (method, _, call) => method.Name == nameof(IConnectionMultiplexer.GetDatabase)
            ? Interceptor.Wrap((IDatabase)call()!, (databaseMethod, _, databaseCall) => Interceptor.Cancelled(databaseMethod.ReturnType) ?? databaseCall())
            : call());
}
