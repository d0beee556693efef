using System.Reflection;
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
        Wrap(real, (method, call) => method.Name == nameof(IConnectionMultiplexer.GetDatabase)
            ? Wrap((IDatabase)call()!, (databaseMethod, databaseCall) => Cancelled(databaseMethod.ReturnType) ?? databaseCall())
            : call());

    private static Task? Cancelled(Type returnType) =>
        returnType == typeof(Task) ? Task.FromCanceled(new CancellationToken(canceled: true))
        : returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? (Task)typeof(Task).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == nameof(Task.FromCanceled) && m.IsGenericMethod)
                .MakeGenericMethod(returnType.GetGenericArguments()[0])
                .Invoke(null, [new CancellationToken(canceled: true)])!
            : null;

    private static T Wrap<T>(T target, Func<MethodInfo, Func<object?>, object?> hook)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, Proxy<T>>();
        var self = (Proxy<T>)(object)proxy;
        self.Target = target;
        self.Hook = hook;
        return proxy;
    }

    /// <summary>Not sealed: DispatchProxy derives its proxy type from it at run time.</summary>
    public class Proxy<T> : DispatchProxy
        where T : class
    {
        internal T Target { get; set; } = null!;

        internal Func<MethodInfo, Func<object?>, object?> Hook { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            Hook(targetMethod!, () => targetMethod!.Invoke(Target, args));
    }
}
