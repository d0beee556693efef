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

    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);
    private long _tenures;

    public bool Holds(string stream) => _held.ContainsKey(stream);

    /// <summary>
    /// The partitions held, each with its tenure: a number that changes whenever this replica loses a partition
    /// and takes it again. What a worker dropped when the partition slipped away is still pending in Redis, so a
    /// new tenure means the partition is recovered before it is read again, however short the gap was.
    /// </summary>
    public IReadOnlyDictionary<string, long> Held => new Dictionary<string, long>(_held, StringComparer.Ordinal);

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
                _held.GetOrAdd(stream, _ => Interlocked.Increment(ref _tenures));
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
