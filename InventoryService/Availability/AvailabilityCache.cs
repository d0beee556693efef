using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.InventoryService.Availability;

/// <summary>What the cache said about a SKU: the snapshot if cached, and the generation to fill it under if not.</summary>
public sealed record CacheLookup(AvailabilitySnapshot? Snapshot, string? Generation);

/// <summary>
/// Availability snapshots in Redis, each with a TTL, deleted after every committed change (see
/// docs/inventory.md for the staleness bound). Each SKU has a generation counter that every invalidation
/// bumps; a reader fills the cache only if the generation is still the one it saw before reading
/// Postgres, so a read that raced with a change cannot put the old numbers back. Redis being down is
/// never an error here: reads fall back to Postgres and invalidations are left to the TTL.
/// </summary>
public sealed class AvailabilityCache(IConnectionMultiplexer redis, IOptions<InventoryOptions> options, ILogger<AvailabilityCache> logger)
{
    private const string FillScript = """
        if (redis.call('GET', KEYS[2]) or '0') == ARGV[2] then
            return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
        end
        return 0
        """;

    private const string InvalidateScript = """
        for i = 1, #KEYS, 2 do
            redis.call('DEL', KEYS[i])
            redis.call('INCR', KEYS[i + 1])
            redis.call('EXPIRE', KEYS[i + 1], 86400)
        end
        return 1
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Key(string sku) => $"{options.Value.CacheKeyPrefix}inventory:availability:{sku}";

    private string GenerationKey(string sku) => $"{options.Value.CacheKeyPrefix}inventory:availability-generation:{sku}";

    public async Task<CacheLookup> GetAsync(string sku)
    {
        if (!redis.IsConnected)
        {
            return new CacheLookup(null, null);
        }

        try
        {
            var values = await redis.GetDatabase().StringGetAsync([Key(sku), GenerationKey(sku)]);
            var generation = values[1].IsNull ? "0" : values[1].ToString();
            return values[0].IsNullOrEmpty
                ? new CacheLookup(null, generation)
                : new CacheLookup(JsonSerializer.Deserialize<AvailabilitySnapshot>(values[0].ToString(), Json), generation);
        }
        catch (Exception ex)
        {
            // Any failure reads Postgres instead: Redis errors and timeouts, an entry that does not parse, and the
            // cancelled commands of a reconnecting multiplexer.
            logger.LogDebug(ex, "Availability cache read failed for {Sku}; reading Postgres", sku);
            return new CacheLookup(null, null);
        }
    }

    /// <summary>Caches what was read from Postgres, unless a change was invalidated since <paramref name="generation"/> was read.</summary>
    public async Task FillAsync(AvailabilitySnapshot snapshot, string generation)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(
                FillScript,
                [Key(snapshot.Sku), GenerationKey(snapshot.Sku)],
                [JsonSerializer.Serialize(snapshot, Json), generation, options.Value.CacheTtlSeconds * 1000]);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Availability cache fill failed for {Sku}", snapshot.Sku);
        }
    }

    public async Task InvalidateAsync(IReadOnlyCollection<string> skus)
    {
        if (skus.Count == 0 || !redis.IsConnected)
        {
            return;
        }

        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(InvalidateScript, skus.SelectMany(sku => new RedisKey[] { Key(sku), GenerationKey(sku) }).ToArray());
        }
        catch (Exception ex)
        {
            // The entries expire within the TTL: that is the documented worst case.
            logger.LogWarning(ex, "Availability cache invalidation failed for {Count} SKUs", skus.Count);
        }
    }
}
