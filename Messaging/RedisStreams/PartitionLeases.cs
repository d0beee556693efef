using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.RedisStreams;

/// <summary>
/// Which partitions of a subscription this replica consumes. A partition is consumed by one replica at
/// a time (a Redis key with a TTL), which keeps each partition key's events in order across replicas;
/// when a replica stops renewing, another takes its partitions after the lease runs out. A restarted
/// replica with the same consumer name gets its own leases back at once.
/// </summary>
internal sealed class PartitionLeases(IConnectionMultiplexer redis, string subscription, string owner, TimeSpan ttl)
{
    private const string AcquireOrRenew = """
        local current = redis.call('GET', KEYS[1])
        if current == false or current == ARGV[1] then
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
        end
        return 0
        """;

    private const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly ConcurrentDictionary<string, bool> _held = new(StringComparer.Ordinal);

    public bool Holds(string stream) => _held.ContainsKey(stream);

    public IReadOnlyCollection<string> Held => _held.Keys.ToList();

    /// <summary>Renews what is held and takes what is free.</summary>
    public async Task RefreshAsync(IEnumerable<string> streams)
    {
        var database = redis.GetDatabase();
        foreach (var stream in streams)
        {
            var result = (long)await database.ScriptEvaluateAsync(
                AcquireOrRenew, [StreamNames.Lease(subscription, stream)], [owner, (long)ttl.TotalMilliseconds]);
            if (result == 1)
            {
                _held.TryAdd(stream, true);
            }
            else
            {
                _held.TryRemove(stream, out _);
            }
        }
    }

    public void Forget() => _held.Clear();

    public async Task ReleaseAllAsync()
    {
        var database = redis.GetDatabase();
        foreach (var stream in _held.Keys)
        {
            await database.ScriptEvaluateAsync(Release, [StreamNames.Lease(subscription, stream)], [owner]);
        }

        _held.Clear();
    }
}
