using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Distribution.Aspire.ServiceDefaults.Redis;

/// <summary>
/// How every process of the platform talks to Redis. StackExchange.Redis by default reads replies on a dedicated pool
/// of its own threads, which then hand each result to the .NET thread pool: one more thread wake-up per command. Nothing
/// here blocks thread-pool threads on I/O (handlers and workers are asynchronous throughout), which is what the
/// dedicated pool guards against, so replies are read on the thread pool. In the messaging benchmark that took the
/// publishing, relaying and consuming process from 613–644 to 474–553 µs of CPU per event (three alternating pairs,
/// <c>benchmarks/results/messaging-2026-11-30.md</c>). A socket manager set explicitly is kept.
/// </summary>
public static class RedisDefaults
{
    public static ConfigurationOptions Apply(ConfigurationOptions options)
    {
        options.SocketManager ??= SocketManager.ThreadPool;
        return options;
    }

    /// <summary>
    /// Whether <paramref name="error"/> means Redis could not answer: its own errors, a timeout, or a command the
    /// multiplexer cancelled while reconnecting (a <see cref="TaskCanceledException"/>, not a Redis error). Where a
    /// fallback must not hide a bug (replay protection, an operator's "unavailable"), callers catch only these; loops and
    /// caches that must never fail on Redis catch everything.
    /// </summary>
    public static bool IsUnavailable(Exception error) => error is RedisException or TimeoutException or TaskCanceledException;

    /// <summary>Options for a further connection to the server of <paramref name="configuration"/> (a multiplexer's <c>Configuration</c>).</summary>
    public static ConfigurationOptions For(string configuration) => Apply(ConfigurationOptions.Parse(configuration));

    public static TBuilder AddRedisDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Aspire's AddRedisClient builds its multiplexer from these options, whenever it is called.
        builder.Services.PostConfigureAll<ConfigurationOptions>(options => Apply(options));
        return builder;
    }
}
