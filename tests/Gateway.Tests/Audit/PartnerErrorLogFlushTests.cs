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
    [Fact]
    public async Task A_flush_whose_writes_are_cancelled_keeps_the_errors_for_the_next_flush()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var flaky = FlakyRedis.Wrap(redis);
        var log = new PartnerErrorLog(flaky, TimeProvider.System, NullLogger<PartnerErrorLog>.Instance);
        var partner = $"partner-{Guid.NewGuid():N}";
        log.Record(partner, 503, "orders", null, "correlation-1");

        FlakyRedis.Of(flaky).CancelBatches = true;
        await log.FlushAsync();
        FlakyRedis.Of(flaky).CancelBatches = false;
        await log.FlushAsync();

        var report = await log.ReadAsync(5, cancellationToken);
        var summary = Assert.Single(report.Partners, p => p.PartnerId == partner);
        Assert.Equal(1, summary.Errors);
        Assert.Equal("correlation-1", Assert.Single(summary.Recent).CorrelationId);
    }

    /// <summary>Forwards to a real multiplexer; while <see cref="CancelBatches"/> is set, every write of a batch is cancelled.</summary>
    public class FlakyRedis : DispatchProxy
    {
        private object _target = null!;
        private FlakyRedis? _root;

        public bool CancelBatches { get; set; }

        public static IConnectionMultiplexer Wrap(IConnectionMultiplexer multiplexer)
        {
            var proxy = Create<IConnectionMultiplexer, FlakyRedis>();
            var flaky = (FlakyRedis)(object)proxy;
            flaky._target = multiplexer;
            flaky._root = flaky;
            return proxy;
        }

        public static FlakyRedis Of(IConnectionMultiplexer proxy) => (FlakyRedis)(object)proxy;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var method = targetMethod!;
            if (_target is IBatch && _root!.CancelBatches && typeof(Task).IsAssignableFrom(method.ReturnType))
            {
                return Cancelled(method.ReturnType);
            }

            if (_target is IBatch && _root!.CancelBatches && method.Name == nameof(IBatch.Execute))
            {
                return null;
            }

            var result = method.Invoke(_target, args);
            return result switch
            {
                IBatch batch when method.ReturnType == typeof(IBatch) => Wrapped<IBatch>(batch),
                IDatabase database when method.ReturnType == typeof(IDatabase) => Wrapped<IDatabase>(database),
                _ => result,
            };
        }

        private T Wrapped<T>(T target) where T : class
        {
            var proxy = Create<T, FlakyRedis>();
            var flaky = (FlakyRedis)(object)proxy;
            flaky._target = target;
            flaky._root = _root;
            return proxy;
        }

        private static Task Cancelled(Type taskType)
        {
            if (!taskType.IsGenericType)
            {
                return Task.FromCanceled(new CancellationToken(canceled: true));
            }

            var fromCanceled = typeof(Task).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == nameof(Task.FromCanceled) && m.IsGenericMethod)
                .MakeGenericMethod(taskType.GetGenericArguments()[0]);
            return (Task)fromCanceled.Invoke(null, [new CancellationToken(canceled: true)])!;
        }
    }
}
