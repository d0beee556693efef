using System.Collections.Concurrent;
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

    private readonly Cache _byKeyId = new(StringComparer.Ordinal);
    private readonly Cache _byShopDomain = new(StringComparer.OrdinalIgnoreCase);
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
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Could not announce the change of partner {PartnerId} ({Reason}); other replicas see it within {Seconds} s", partnerId, ex.Message, options.Value.PartnerCacheSeconds);
        }
    }

    public void Invalidate(string partnerId)
    {
        // Negative entries go too: a change may have created the shop domain someone looked for.
        _byKeyId.RemoveWhere(partnerId);
        _byShopDomain.RemoveWhere(partnerId);
    }

    private ValueTask<Partner?> Find(Cache cache, ReadOnlySpan<char> key, Func<string, CancellationToken, Task<Partner?>> load)
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

    private sealed record Entry(Partner? Partner, long ExpiresAt);

    private sealed class Cache
    {
        // Garbage keys are cached as "no partner" too; past this many entries the cache starts over.
        private const int MaxEntries = 50_000;

        private readonly ConcurrentDictionary<string, Entry> _entries;
        private readonly ConcurrentDictionary<string, Task<Partner?>> _loading;

        public Cache(StringComparer comparer)
        {
            _entries = new(comparer);
            _loading = new(comparer);
            Lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

        /// <summary>One load per key at a time, however many requests ask.</summary>
        public Task<Partner?> LoadAsync(string key, Func<string, CancellationToken, Task<Partner?>> load, Func<long> expiry, ILogger logger) =>
            _loading.GetOrAdd(key, k => LoadOnceAsync(k, load, expiry, logger));

        public void RemoveWhere(string partnerId)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Partner is null || entry.Partner.PartnerId == partnerId)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }

        private async Task<Partner?> LoadOnceAsync(string key, Func<string, CancellationToken, Task<Partner?>> load, Func<long> expiry, ILogger logger)
        {
            await Task.Yield();
            try
            {
                var partner = await load(key, CancellationToken.None);
                if (_entries.Count >= MaxEntries)
                {
                    _entries.Clear();
                }

                _entries[key] = new Entry(partner, expiry());
                return partner;
            }
            catch (Exception ex) when (_entries.TryGetValue(key, out var stale) && stale.Partner is not null)
            {
                // The registry is unreachable: keep answering from what we knew rather than locking every partner out.
                logger.LogWarning("Partner registry unreachable ({Reason}); serving the cached entry", ex.Message);
                return stale.Partner;
            }
            finally
            {
                _loading.TryRemove(key, out _);
            }
        }
    }
}
