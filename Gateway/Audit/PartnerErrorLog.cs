using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Audit;

/// <summary>One error answer a partner got, as operators see it: never a path, a body or a credential.</summary>
public sealed record PartnerErrorSample(DateTimeOffset At, int Status, string RouteGroup, string? Code, string? CorrelationId);

/// <summary>A partner's error answers within the window: counts by status and the newest samples.</summary>
public sealed record PartnerErrorSummary(string PartnerId, long Errors, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyList<PartnerErrorSample> Recent);

public sealed record PartnerErrorReport(int WindowMinutes, IReadOnlyList<PartnerErrorSummary> Partners);

/// <summary>
/// Recent 4xx/5xx answers per authenticated partner, shared by all replicas through Redis, for the operators'
/// console. Recording is in memory only (the audit path must not wait for Redis, and a partner far over its rate
/// limit can earn thousands of 429s a second); a background loop writes what piled up once a second as one
/// batch: per-minute counts by status in a hash (<c>gateway:{partner}:errors</c>, field <c>minute:status</c>),
/// the newest <see cref="MaxSamples"/> samples in a list, and the partner in an index sorted by its last error.
/// Counts older than <see cref="WindowMinutes"/> are dropped, so every key stays small.
/// </summary>
public sealed class PartnerErrorLog(IConnectionMultiplexer redis, TimeProvider time, ILogger<PartnerErrorLog> logger) : BackgroundService
{
    public const int MaxSamples = 20;
    public const int WindowMinutes = 60;
    internal const string IndexKey = "gateway:partner-errors";
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SampleLifetime = TimeSpan.FromDays(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, PendingErrors> _pending = new(StringComparer.Ordinal);

    public void Record(string partnerId, int status, string routeGroup, string? code, string? correlationId)
    {
        var now = time.GetUtcNow();
        var pending = _pending.GetOrAdd(partnerId, static _ => new PendingErrors());
        lock (pending)
        {
            pending.Add(Minute(now), status, new PartnerErrorSample(now, status, routeGroup, code, correlationId));
        }
    }

    public async Task<PartnerErrorReport> ReadAsync(int minutes, CancellationToken cancellationToken)
    {
        minutes = Math.Clamp(minutes, 1, WindowMinutes);
        var now = time.GetUtcNow();
        var database = redis.GetDatabase();
        var partners = await database.SortedSetRangeByScoreAsync(IndexKey, now.AddMinutes(-minutes).ToUnixTimeSeconds(), double.PositiveInfinity);
        var reads = partners.Select(partner => (
            Partner: partner.ToString(),
            Counts: database.HashGetAllAsync(CountsKey(partner!)),
            Samples: database.ListRangeAsync(SamplesKey(partner!), 0, MaxSamples - 1))).ToList();
        await Task.WhenAll(reads.SelectMany(read => new Task[] { read.Counts, read.Samples }));
        cancellationToken.ThrowIfCancellationRequested();

        var from = Minute(now) - minutes + 1;
        var summaries = new List<PartnerErrorSummary>();
        foreach (var read in reads)
        {
            var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var entry in await read.Counts)
            {
                if (ParseField(entry.Name) is var (minute, status) && minute >= from)
                {
                    byStatus[status] = byStatus.GetValueOrDefault(status) + (long)entry.Value;
                }
            }

            var samples = (await read.Samples).Select(s => JsonSerializer.Deserialize<PartnerErrorSample>(s.ToString(), Json)!).ToList();
            summaries.Add(new PartnerErrorSummary(read.Partner, byStatus.Values.Sum(), byStatus, samples));
        }

        return new PartnerErrorReport(minutes, [.. summaries.OrderByDescending(s => s.Errors).ThenBy(s => s.PartnerId, StringComparer.Ordinal)]);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What piled up since the last tick, on the way out; lost only if Redis is gone too.
            try
            {
                await FlushAsync();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    internal async Task FlushAsync()
    {
        var now = time.GetUtcNow();
        var oldest = Minute(now) - WindowMinutes;
        var drained = new List<(string Partner, PendingErrors Errors)>();
        foreach (var (partner, pending) in _pending)
        {
            lock (pending)
            {
                if (!pending.IsEmpty)
                {
                    drained.Add((partner, pending.Drain()));
                }
            }
        }

        if (drained.Count == 0 || !redis.IsConnected)
        {
            Requeue(drained, oldest);
            return;
        }

        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var writes = new List<Task>();
        foreach (var (partner, errors) in drained)
        {
            var counts = CountsKey(partner);
            foreach (var ((minute, status), count) in errors.Counts)
            {
                writes.Add(batch.HashIncrementAsync(counts, Field(minute, status), count));
            }

            writes.Add(batch.KeyExpireAsync(counts, TimeSpan.FromMinutes(WindowMinutes + 5)));
            var samples = SamplesKey(partner);
            writes.Add(batch.ListLeftPushAsync(samples, [.. errors.Samples.Select(s => (RedisValue)JsonSerializer.Serialize(s, Json))]));
            writes.Add(batch.ListTrimAsync(samples, 0, MaxSamples - 1));
            writes.Add(batch.KeyExpireAsync(samples, SampleLifetime));
            writes.Add(batch.SortedSetAddAsync(IndexKey, partner, now.ToUnixTimeSeconds()));
            writes.Add(PruneAsync(batch, counts, oldest));
        }

        writes.Add(batch.SortedSetRemoveRangeByScoreAsync(IndexKey, double.NegativeInfinity, (now - SampleLifetime).ToUnixTimeSeconds()));
        batch.Execute();
        try
        {
            await Task.WhenAll(writes);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // Not only Redis errors and timeouts: a reconnecting multiplexer cancels the commands it had in flight
            // (TaskCanceledException). Whatever it is must not leave this method, or it ends the flush loop and, as an
            // unhandled exception of a background service, stops the gateway.
            logger.LogWarning("Could not store partners' recent errors in Redis ({Reason}); keeping them for the next attempt", ex.Message);
            Requeue(drained, oldest);
        }
    }

    /// <summary>Counts older than the window no longer show; the hash is pruned as it is written.</summary>
    private static async Task PruneAsync(IBatch batch, RedisKey counts, long oldest)
    {
        // The fields are read in the same batch, so pruning costs no extra round trip; deletes go in the next batch.
        var fields = await batch.HashKeysAsync(counts);
        var stale = fields.Where(f => ParseField(f) is var (minute, _) && minute < oldest).ToArray();
        if (stale.Length > 0)
        {
            await batch.Multiplexer.GetDatabase().HashDeleteAsync(counts, stale, CommandFlags.FireAndForget);
        }
    }

    private void Requeue(List<(string Partner, PendingErrors Errors)> drained, long oldest)
    {
        foreach (var (partner, errors) in drained)
        {
            var pending = _pending.GetOrAdd(partner, static _ => new PendingErrors());
            lock (pending)
            {
                pending.Merge(errors, oldest);
            }
        }
    }

    private static long Minute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static RedisKey CountsKey(string partner) => $"gateway:{{{partner}}}:errors";

    private static RedisKey SamplesKey(string partner) => $"gateway:{{{partner}}}:errors:recent";

    private static string Field(long minute, int status) => string.Create(CultureInfo.InvariantCulture, $"{minute}:{status}");

    private static (long Minute, string Status)? ParseField(RedisValue field)
    {
        var text = field.ToString();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            ? (minute, text[(colon + 1)..])
            : null;
    }

    private sealed class PendingErrors
    {
        public Dictionary<(long Minute, int Status), long> Counts { get; private set; } = [];

        public List<PartnerErrorSample> Samples { get; private set; } = [];

        public bool IsEmpty => Counts.Count == 0;

        public void Add(long minute, int status, PartnerErrorSample sample)
        {
            Counts[(minute, status)] = Counts.GetValueOrDefault((minute, status)) + 1;
            if (Samples.Count == MaxSamples)
            {
                Samples.RemoveAt(0);
            }

            Samples.Add(sample);
        }

        public PendingErrors Drain()
        {
            var drained = new PendingErrors { Counts = Counts, Samples = Samples };
            Counts = [];
            Samples = [];
            return drained;
        }

        /// <summary>Puts back what could not be written, oldest first, dropping counts that left the window.</summary>
        public void Merge(PendingErrors earlier, long oldest)
        {
            foreach (var (key, count) in earlier.Counts)
            {
                if (key.Minute >= oldest)
                {
                    Counts[key] = Counts.GetValueOrDefault(key) + count;
                }
            }

            Samples = [.. earlier.Samples.Concat(Samples).TakeLast(MaxSamples)];
        }
    }
}
