using System.Reflection;
using Distribution.Aspire.Gateway.RateLimiting;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Tests.RateLimiting;

/// <summary>
/// A real Redis connection whose rate-limit script calls time out whenever <see cref="Fails"/> says so for that
/// call's number (before reaching Redis), or <see cref="LosesAnswer"/> (after Redis ran the script); every other
/// command passes through unchanged.
/// </summary>
public sealed class FlakyRedis(IConnectionMultiplexer real)
{
    private int _scriptCalls;

    /// <summary>Given the 0-based number of a rate-limit script call, whether it fails.</summary>
    public Func<int, bool> Fails { get; set; } = _ => false;

    /// <summary>Given the 0-based number of a rate-limit script call, whether Redis runs it but its answer is lost.</summary>
    public Func<int, bool> LosesAnswer { get; set; } = _ => false;

    public int ScriptCalls => Volatile.Read(ref _scriptCalls);

    public int FailedCalls { get; private set; }

    public IConnectionMultiplexer Connection => Interceptor.Wrap(real, (method, args, call) =>
        method.Name == nameof(IConnectionMultiplexer.GetDatabase)
            ? Interceptor.Wrap((IDatabase)call()!, Database)
            : call());

    private object? Database(MethodInfo method, object?[]? args, Func<object?> call)
    {
        if (method.Name != nameof(IDatabase.ScriptEvaluateAsync) || args?[0] as string != TokenBucketScript.Source)
        {
            return call();
        }

        var number = Interlocked.Increment(ref _scriptCalls) - 1;
        if (Fails(number))
        {
            FailedCalls++;
            return Task.FromException<RedisResult>(new RedisTimeoutException("Simulated timeout of the rate-limit script.", CommandStatus.WaitingToBeSent));
        }

        if (LosesAnswer(number))
        {
            FailedCalls++;
            return LoseAnswerAsync((Task<RedisResult>)call()!);
        }

        return call();
    }

    private static async Task<RedisResult> LoseAnswerAsync(Task<RedisResult> ran)
    {
        await ran;
        throw new RedisTimeoutException("Simulated timeout of the rate-limit script's answer.", CommandStatus.Sent);
    }
}

internal static class Interceptor
{
    /// <summary>An implementation of <typeparamref name="T"/> that passes every call on to <paramref name="target"/> through <paramref name="hook"/>.</summary>
    public static T Wrap<T>(T target, Func<MethodInfo, object?[]?, Func<object?>, object?> hook)
        where T : class
    {
        var proxy = DispatchProxy.Create<T, InterceptingProxy<T>>();
        var interceptor = (InterceptingProxy<T>)(object)proxy;
        interceptor.Target = target;
        interceptor.Hook = hook;
        return proxy;
    }
}

/// <summary>Not sealed: DispatchProxy derives its proxy type from it at run time.</summary>
public class InterceptingProxy<T> : DispatchProxy
    where T : class
{
    internal T Target { get; set; } = null!;

    internal Func<MethodInfo, object?[]?, Func<object?>, object?> Hook { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        Hook(targetMethod!, args, () =>
        {
            try
            {
                return targetMethod!.Invoke(Target, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        });
}
