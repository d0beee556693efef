using System.Collections.Concurrent;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>
/// One lookup of <see cref="PartnerDirectory"/> (by key id, or by shop domain). Reads take no lock. Writes of
/// loaded entries and invalidations take one, because an invalidation must win over every load that began
/// before it: the admin API answers only after invalidating, and a partner's next request must see the change.
/// </summary>
internal sealed class PartnerCache
{
    // Garbage keys are cached as "no partner" too; past this many entries the cache starts over.
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, PartnerCacheEntry> _entries;
    private readonly ConcurrentDictionary<string, Task<Partner?>> _loading;
    private readonly Lock _gate = new();
    private int _generation;

    public PartnerCache(StringComparer comparer)
    {
        _entries = new(comparer);
        _loading = new(comparer);
        Lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public ConcurrentDictionary<string, PartnerCacheEntry>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    /// <summary>One load per key at a time, however many requests ask.</summary>
    public Task<Partner?> LoadAsync(string key, Func<string, CancellationToken, Task<Partner?>> load, Func<long> expiry, ILogger logger)
    {
        while (true)
        {
            if (_loading.TryGetValue(key, out var running))
            {
                return running;
            }

            var completion = new TaskCompletionSource<Partner?>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_loading.TryAdd(key, completion.Task))
            {
                _ = LoadOnceAsync(key, completion, load, expiry, logger);
                return completion.Task;
            }
        }
    }

    public void RemoveWhere(string partnerId)
    {
        lock (_gate)
        {
            _generation++;

            // Loads under way may have read the partner before the change: later requests must not join them.
            _loading.Clear();
            foreach (var (key, entry) in _entries)
            {
                if (entry.Partner is null || entry.Partner.PartnerId == partnerId)
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    private async Task LoadOnceAsync(string key, TaskCompletionSource<Partner?> completion, Func<string, CancellationToken, Task<Partner?>> load, Func<long> expiry, ILogger logger)
    {
        await Task.Yield();
        var generation = Volatile.Read(ref _generation);
        try
        {
            var partner = await load(key, CancellationToken.None);
            lock (_gate)
            {
                if (_entries.Count >= MaxEntries)
                {
                    _entries.Clear();
                }

                // A change announced while this load ran may not be in what it read: do not keep it.
                if (generation == _generation)
                {
                    _entries[key] = new PartnerCacheEntry(partner, expiry());
                }
            }

            completion.SetResult(partner);
        }
        catch (Exception ex) when (_entries.TryGetValue(key, out var stale) && stale.Partner is not null)
        {
            // The registry is unreachable: keep answering from what we knew rather than locking every partner out.
            logger.LogWarning("Partner registry unreachable ({Reason}); serving the cached entry", ex.Message);
            completion.SetResult(stale.Partner);
        }
        catch (Exception ex)
        {
            completion.SetException(ex);
        }
        finally
        {
            // Only this load: an invalidation may already have let a newer one start for the same key.
            _loading.TryRemove(KeyValuePair.Create(key, completion.Task));
        }
    }
}

internal sealed record PartnerCacheEntry(Partner? Partner, long ExpiresAt);
