using System.Collections.Concurrent;
using Distribution.Aspire.Gateway.Partners;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.RateLimiting;

/// <summary>
/// Per-partner rate limits and daily quotas that hold across replicas. The budget lives in Redis (one token
/// bucket and one day counter per partner); each replica leases small batches of tokens from it with one atomic
/// script call and spends them locally, so most requests never wait for Redis. While Redis is unreachable each
/// replica limits on its own share of the budget (<see cref="RateLimitOptions.Replicas"/>), never unlimited.
/// </summary>
public sealed class PartnerRateLimiter(IConnectionMultiplexer redis, TimeProvider time, IOptions<GatewayOptions> options, ILogger<PartnerRateLimiter> logger)
{
    private readonly ConcurrentDictionary<string, PartnerBucket> _buckets = new(StringComparer.Ordinal);
    private long _redisDownUntil;

    internal RateLimitOptions Options { get; } = options.Value.RateLimit;

    internal TimeProvider Time { get; } = time;

    internal IDatabase Database => redis.GetDatabase();

    public ValueTask<RateDecision> AcquireAsync(Partner partner) =>
        _buckets.GetOrAdd(partner.PartnerId, static (id, limiter) => new PartnerBucket(limiter, id), this).AcquireAsync(partner.RateLimit);

    /// <summary>Days since 0001-01-01 in UTC: the quota period, and the key of its Redis counter.</summary>
    internal int Today(out long ticksUntilTomorrow)
    {
        var ticks = Time.GetUtcNow().UtcTicks;
        var day = (int)(ticks / TimeSpan.TicksPerDay);
        ticksUntilTomorrow = ((day + 1) * TimeSpan.TicksPerDay) - ticks;
        return day;
    }

    internal bool RedisAvailable(long now) => now >= Volatile.Read(ref _redisDownUntil) && redis.IsConnected;

    internal void RedisFailed(Exception error)
    {
        var now = Time.GetTimestamp();
        var wasUp = now >= Volatile.Read(ref _redisDownUntil);
        Volatile.Write(ref _redisDownUntil, now + (long)(Options.FallbackSeconds * Time.TimestampFrequency));
        if (wasUp)
        {
            logger.LogWarning(
                "Redis is unavailable for rate limiting ({Reason}); each replica limits partners to 1/{Replicas} of their budget for the next {Seconds} s",
                error.Message, Options.Replicas, Options.FallbackSeconds);
        }
    }
}
