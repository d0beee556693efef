using System.Reflection;
using Distribution.Aspire.Gateway.Audit;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Tests.Audit;

/// <summary>
/// The flush loop of <see cref="PartnerErrorLog"/> must survive whatever a Redis write ends in. A reconnecting
/// multiplexer cancels the commands it had in flight, which reaches the caller as a TaskCanceledException rather than
/// a RedisException; here the batch's writes are cancelled the same way.
/// </summary>
public sealed class PartnerErrorLogFlushTests(TestServers servers)
{
    private bool _cancelBatches;

    [Fact]
    public async Task A_flush_whose_writes_are_cancelled_keeps_the_errors_for_the_next_flush()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var log = new PartnerErrorLog(CancellingBatches(redis), TimeProvider.System, NullLogger<PartnerErrorLog>.Instance);
        var partner = $"partner-{Guid.NewGuid():N}";
        log.Record(partner, 503, "orders", null, "correlation-1");

        _cancelBatches = true;
        await log.FlushAsync();
        _cancelBatches = false;
        await log.FlushAsync();

        var report = await log.ReadAsync(5, TestContext.Current.CancellationToken);
        var summary = Assert.Single(report.Partners, p => p.PartnerId == partner);
        Assert.Equal(1, summary.Errors);
        Assert.Equal("correlation-1", Assert.Single(summary.Recent).CorrelationId);
    }

    /// <summary>The real connection; while <see cref="_cancelBatches"/> is set, every write of a batch is cancelled.</summary>
    private IConnectionMultiplexer CancellingBatches(IConnectionMultiplexer real) =>
        Interceptor.Wrap(real, (method, _, call) => method.Name == nameof(IConnectionMultiplexer.GetDatabase)
            ? Interceptor.Wrap((IDatabase)call()!, (databaseMethod, _, databaseCall) => databaseMethod.Name == nameof(IDatabase.CreateBatch)
                ? Interceptor.Wrap((IBatch)databaseCall()!, Batch)
                : databaseCall())
            : call());

    private object? Batch(MethodInfo method, object?[]? args, Func<object?> call) => _cancelBatches switch
    {
        true when method.Name == nameof(IBatch.Execute) => null,
        true when Interceptor.Cancelled(method.ReturnType) is { } cancelled => cancelled,
        _ => call(),
    };
}
