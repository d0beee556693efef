using System.Reflection;
using Distribution.Aspire.Gateway.RateLimiting;
using Distribution.Aspire.TestInfrastructure;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Tests.RateLimiting;

/// <summary>
/// A real Redis connection whose rate-limit script calls time out whenever <see cref="Fails"/> says so for that
/// call's number (before reaching Redis), are cancelled when <see cref="Cancels"/> says so, or lose their answer when
/// <see cref="LosesAnswer"/> does (after Redis ran the script); every other command passes through unchanged.
/// </summary>
public sealed class FlakyRedis(IConnectionMultiplexer real)
{
    private int _scriptCalls;

    /// <summary>Given the 0-based number of a rate-limit script call, whether it fails.</summary>
    public Func<int, bool> Fails { get; set; } = _ => false;

    /// <summary>
    /// Given the 0-based number of a rate-limit script call, whether it is cancelled before reaching Redis, as a
    /// reconnecting multiplexer cancels the commands it had in flight.
    /// </summary>
    public Func<int, bool> Cancels { get; set; } = _ => false;

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

        if (Cancels(number))
        {
            FailedCalls++;
            return Task.FromCanceled<RedisResult>(new CancellationToken(canceled: true));
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
