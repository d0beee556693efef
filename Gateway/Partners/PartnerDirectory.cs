using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>
/// Answers "which partner holds this key id / shop domain" from memory. Entries live
/// <c>Gateway:PartnerCacheSeconds</c> (default 5 s); after that the stale entry is still served while one
/// background load refreshes it, so no request waits for the database except the very first. Admin changes
/// invalidate every replica at once through Redis pub/sub; the short lifetime bounds staleness when a
/// message is missed (Redis down).
/// </summary>
public sealed class PartnerDirectory(PartnerStore store, IConnectionMultiplexer redis, TimeProvider time, IOptions<GatewayOptions> options, ILogger<PartnerDirectory> logger)
{
    public static readonly RedisChannel ChangesChannel = RedisChannel.Literal("gateway:partners:changed");

    private readonly PartnerCache _byKeyId = new(StringComparer.Ordinal);
    private readonly PartnerCache _byShopDomain = new(StringComparer.OrdinalIgnoreCase);
    private readonly long _lifetime = (long)(options.Value.PartnerCacheSeconds * time.TimestampFrequency);

    public ValueTask<Partner?> FindByKeyIdAsync(ReadOnlySpan<char> keyId) =>
        Find(_byKeyId, keyId, store.LoadByKeyIdAsync);

    public ValueTask<Partner?> FindByShopDomainAsync(ReadOnlySpan<char> shopDomain) =>
        Find(_byShopDomain, shopDomain, store.LoadByShopDomainAsync);

    /// <summary>Forgets a partner here and, through Redis, on every other replica.</summary>
    public async Task PublishChangeAsync(string partnerId)
    {
        Invalidate(partnerId);
        try
        {
            await redis.GetSubscriber().PublishAsync(ChangesChannel, partnerId);
        }
        catch (Exception ex)
        {
            // The change is already stored; a failed announcement, whatever the failure, only delays it elsewhere.
            logger.LogWarning("Could not announce the change of partner {PartnerId} ({Reason}); other replicas see it within {Seconds} s", partnerId, ex.Message, options.Value.PartnerCacheSeconds);
        }
    }

    public void Invalidate(string partnerId)
    {
        // Negative entries go too: a change may have created the shop domain someone looked for.
        _byKeyId.RemoveWhere(partnerId);
        _byShopDomain.RemoveWhere(partnerId);
    }

    private ValueTask<Partner?> Find(PartnerCache cache, ReadOnlySpan<char> key, Func<string, CancellationToken, Task<Partner?>> load)
    {
        var now = time.GetTimestamp();
        if (cache.Lookup.TryGetValue(key, out var entry))
        {
            if (now < entry.ExpiresAt)
            {
                return ValueTask.FromResult(entry.Partner);
            }

            if (entry.Partner is not null)
            {
                _ = cache.LoadAsync(key.ToString(), load, Expiry, logger);
                return ValueTask.FromResult<Partner?>(entry.Partner);
            }
        }

        return new ValueTask<Partner?>(cache.LoadAsync(key.ToString(), load, Expiry, logger));
    }

    private long Expiry() => time.GetTimestamp() + _lifetime;
}
