using System.Text;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.Messaging.DeadLetters;
using Distribution.Aspire.ServiceDefaults.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.RedisStreams;

/// <summary>
/// Consumes this service's topics from Redis Streams: one consumer group per subscribing service, one
/// stream per topic partition. One reader fetches new entries of every partition this replica holds and
/// hands them to that partition's <see cref="PartitionWorker"/>, which handles them one batch after
/// another and acknowledges only after the handler's transaction committed; partitions do not wait for
/// each other. A failing entry is retried in place (so later events of its partition wait) up to the
/// delivery limit, then moved to the dead letters. Entries left pending by a crash are claimed and
/// handled first when a replica takes the partition.
/// </summary>
internal sealed class RedisStreamsConsumer(
    IConnectionMultiplexer redis,
    EventDispatcher dispatcher,
    DeadLetterStore deadLetters,
    Subscriptions subscriptions,
    MessagingIdentity identity,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    ILogger<RedisStreamsConsumer> logger,
    IMessagingCheckpoint? checkpoint = null) : BackgroundService
{
    private static readonly TimeSpan TrimInterval = TimeSpan.FromMinutes(1);

    // Entries a partition may have read but not yet handled: enough to keep its worker busy between
    // reads, little enough that a lost lease leaves the next owner only a short backlog to claim.
    private int QueueLimit => options.Value.ReadBatchSize * 2;
    // Partitions whose pending entries this replica has finished, each with the lease tenure it did so in.
    // Owned by the consume loop only: a partition the renewal task has just taken, or lost and taken again,
    // has another tenure, so it is recovered before any new entry of it is read.
    private readonly Dictionary<string, long> _recovered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _topicOfStream = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PartitionWorker> _workers = new(StringComparer.Ordinal);
    private bool _groupsReady;
    private PartitionLeases? _leases;

    /// <summary>Partitions this replica holds right now (none before it started consuming).</summary>
    internal int PartitionsHeld => _leases?.Held.Count ?? 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (subscriptions.Topics.Count == 0)
        {
            return;
        }

        var settings = options.Value;
        foreach (var topic in subscriptions.Topics)
        {
            for (var partition = 0; partition < settings.Partitions; partition++)
            {
                _topicOfStream[StreamNames.For(settings.KeyPrefix, topic, partition)] = topic;
            }
        }

        var leases = _leases = new PartitionLeases(redis, identity.Subscription, identity.ConsumerName, TimeSpan.FromSeconds(settings.PartitionLeaseSeconds));
        foreach (var stream in _topicOfStream.Keys)
        {
            _workers[stream] = new PartitionWorker(stream, (s, entries, ct) => HandleInOrderAsync(s, entries, leases, ct), logger, stoppingToken);
        }

        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewLeasesAsync(leases, renewal.Token);
        try
        {
            await ConsumeAsync(leases, stoppingToken);
        }
        finally
        {
            // Batches in flight finish (or are cancelled) before the leases go, so no next owner overlaps them.
            await Task.WhenAll(_workers.Values.Select(worker => worker.ResetAsync()));
            await renewal.CancelAsync();
            await renewing;
            try
            {
                await leases.ReleaseAllAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Unreleased leases expire on their own; the next owner just waits a little longer.
                logger.LogDebug(ex, "Could not release partition leases");
            }
        }
    }

    private async Task ConsumeAsync(PartitionLeases leases, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        ConnectionMultiplexer? blocking = null;
        var lastTrim = time.GetTimestamp();
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Blocking reads hold their connection, so they get one of their own.
                blocking ??= await ConnectionMultiplexer.ConnectAsync(RedisDefaults.For(redis.Configuration));
                await EnsureGroupsAsync();

                var held = leases.Held;
                if (held.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
                    continue;
                }

                foreach (var (stream, tenure) in held)
                {
                    if (_recovered.TryGetValue(stream, out var recoveredIn) && recoveredIn == tenure && !_workers[stream].Faulted)
                    {
                        continue;
                    }

                    // Whatever the worker still had read is pending in Redis: recovery claims it, in order.
                    await _workers[stream].ResetAsync();
                    await RecoverAsync(stream, leases, stoppingToken);
                    _recovered[stream] = tenure;
                }

                var readable = held.Keys.Where(stream => _workers[stream].Queued < QueueLimit).ToList();
                if (readable.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5), stoppingToken);
                    continue;
                }

                // A partition left out because its worker is behind must not wait out a long block once it has caught up.
                var block = readable.Count < held.Count ? 10 : 1000;
                foreach (var (stream, entries) in await ReadNewAsync(blocking.GetDatabase(), readable, settings.ReadBatchSize, block))
                {
                    _workers[stream].Enqueue(entries);
                }

                if (time.GetElapsedTime(lastTrim) > TrimInterval)
                {
                    await TrimAsync(held.Keys);
                    lastTrim = time.GetTimestamp();
                }

                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever was in flight is still pending in Redis: claim it again before reading on.
                logger.LogWarning(ex, "Consuming {Subscription} failed; recovering in {Delay} ms", identity.Subscription, backoff.TotalMilliseconds);
                _recovered.Clear();

                if (!await Pause.ForAsync(backoff, stoppingToken))
                {
                    break;
                }

                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
            }
        }

        if (blocking is not null)
        {
            await blocking.DisposeAsync();
        }
    }

    private async Task RenewLeasesAsync(PartitionLeases leases, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.PartitionLeaseSeconds / 3.0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (checkpoint is not null)
                {
                    await checkpoint.ReachedAsync(IMessagingCheckpoint.ConsumerBeforeLeaseRenewal, cancellationToken);
                }

                await leases.RefreshAsync(_topicOfStream.Keys);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Without Redis nothing is consumed anyway; the leases lapse and are retaken when it returns.
                leases.Forget();
                logger.LogDebug(ex, "Could not renew partition leases");
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Anything else, too, must not end this loop: without it the leases lapse for good and the service stops
                // consuming while it still looks healthy. A reconnecting multiplexer cancels the commands it had in
                // flight, which surfaces here as a TaskCanceledException that no shutdown asked for.
                leases.Forget();
                logger.LogWarning(ex, "Renewing the partition leases of {Subscription} failed; retrying", identity.Subscription);
            }

            await Pause.ForAsync(interval, cancellationToken);
        }
    }

    private async Task EnsureGroupsAsync()
    {
        if (_groupsReady)
        {
            return;
        }

        var database = redis.GetDatabase();
        foreach (var stream in _topicOfStream.Keys)
        {
            try
            {
                // From the start of the stream: events published before this service first ran are not skipped.
                await database.StreamCreateConsumerGroupAsync(stream, identity.Subscription, "0-0", createStream: true);
            }
            catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
            }
        }

        _groupsReady = true;
    }

    /// <summary>Claims every entry of the partition still pending for this subscription and handles them in order.</summary>
    private async Task RecoverAsync(string stream, PartitionLeases leases, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        RedisValue start = "0-0";
        while (true)
        {
            var claimed = await database.StreamAutoClaimAsync(stream, identity.Subscription, identity.ConsumerName, 0, start, 100);
            if (claimed.ClaimedEntries.Length > 0)
            {
                var deliveries = await DeliveryCountsAsync(database, stream, claimed.ClaimedEntries);
                await HandleInOrderAsync(stream, claimed.ClaimedEntries.Select(e => (e, deliveries.GetValueOrDefault(e.Id.ToString(), 1))).ToList(), leases, cancellationToken);
            }

            start = claimed.NextStartId;
            if (start == "0-0" || claimed.IsNull)
            {
                break;
            }
        }
    }

    private async Task<Dictionary<string, int>> DeliveryCountsAsync(IDatabase database, string stream, StreamEntry[] entries)
    {
        var pending = await database.StreamPendingMessagesAsync(
            stream, identity.Subscription, entries.Length, identity.ConsumerName, entries[0].Id, entries[^1].Id);
        return pending.ToDictionary(p => p.MessageId.ToString(), p => p.DeliveryCount);
    }

    private async Task<Dictionary<string, List<StreamEntry>>> ReadNewAsync(IDatabase blocking, IReadOnlyCollection<string> streams, int count, int blockMilliseconds)
    {
        var args = new List<object> { "GROUP", identity.Subscription, identity.ConsumerName, "COUNT", count, "BLOCK", blockMilliseconds, "STREAMS" };
        args.AddRange(streams);
        args.AddRange(streams.Select(_ => ">"));
        var result = await blocking.ExecuteAsync("XREADGROUP", args);

        var byStream = new Dictionary<string, List<StreamEntry>>(StringComparer.Ordinal);
        if (result.IsNull)
        {
            return byStream;
        }

        foreach (var streamResult in (RedisResult[])result!)
        {
            var parts = (RedisResult[])streamResult!;
            var entries = new List<StreamEntry>();
            foreach (var entryResult in (RedisResult[])parts[1]!)
            {
                var entry = (RedisResult[])entryResult!;
                var fields = (RedisResult[])entry[1]!;
                var values = new NameValueEntry[fields.Length / 2];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = new NameValueEntry((RedisValue)fields[2 * i], (RedisValue)fields[(2 * i) + 1]);
                }

                entries.Add(new StreamEntry((RedisValue)entry[0], values));
            }

            byStream[(string)parts[0]!] = entries;
        }

        return byStream;
    }

    private async Task HandleInOrderAsync(string stream, List<(StreamEntry Entry, int Deliveries)> entries, PartitionLeases leases, CancellationToken cancellationToken)
    {
        var index = 0;
        while (index < entries.Count)
        {
            if (!leases.Holds(stream))
            {
                // Another replica owns the partition now; what is left stays pending for it.
                return;
            }

            // First deliveries of readable events go in one transaction (a lone one too: the batch
            // path records the inbox in one statement); redeliveries (which count
            // towards the limit) and anything unreadable go one by one.
            var batch = new List<(StreamEntry Entry, CloudEvent Envelope)>();
            while (index + batch.Count < entries.Count && batch.Count < options.Value.ReadBatchSize)
            {
                var (entry, deliveries) = entries[index + batch.Count];
                if (deliveries > 1 || !TryRead(entry, out var envelope))
                {
                    break;
                }

                batch.Add((entry, envelope));
            }

            if (batch.Count > 0 && await dispatcher.DispatchBatchAsync(batch.ConvertAll(item => item.Envelope), cancellationToken) is not null)
            {
                if (checkpoint is not null)
                {
                    await checkpoint.ReachedAsync(IMessagingCheckpoint.ConsumerBeforeAck, cancellationToken);
                }

                await redis.GetDatabase().StreamAcknowledgeAsync(stream, identity.Subscription, batch.ConvertAll(item => item.Entry.Id).ToArray());
                index += batch.Count;
                continue;
            }

            // A batch that could not commit whole is delivered one by one, which isolates the failing event.
            var end = index + Math.Max(batch.Count, 1);
            for (; index < end; index++)
            {
                if (!leases.Holds(stream))
                {
                    return;
                }

                await HandleAsync(stream, entries[index].Entry, entries[index].Deliveries, cancellationToken);
            }
        }
    }

    private static bool TryRead(StreamEntry entry, out CloudEvent envelope)
    {
        try
        {
            envelope = CloudEventSerializer.Deserialize((byte[]?)entry[StreamNames.EnvelopeField] ?? []);
            return true;
        }
        catch (FormatException)
        {
            envelope = null!;
            return false;
        }
    }

    private async Task HandleAsync(string stream, StreamEntry entry, int deliveries, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var topic = _topicOfStream[stream];
        var raw = (byte[]?)entry[StreamNames.EnvelopeField] ?? [];
        CloudEvent envelope;
        try
        {
            envelope = CloudEventSerializer.Deserialize(raw);
        }
        catch (FormatException ex)
        {
            await deadLetters.AddAsync(identity.Subscription, topic, entry.Id.ToString(), "unreadable", Encoding.UTF8.GetString(raw), ex.Message, deliveries, time.GetUtcNow(), cancellationToken);
            await AcknowledgeAsync(stream, entry.Id);
            return;
        }

        var attempt = deliveries;
        DateTimeOffset? firstFailure = null;
        var unavailableDelay = TimeSpan.FromMilliseconds(settings.RetryBaseDelayMilliseconds);
        while (true)
        {
            var outcome = await dispatcher.DispatchAsync(envelope, cancellationToken);
            if (outcome.IsSettled)
            {
                if (checkpoint is not null)
                {
                    await checkpoint.ReachedAsync(IMessagingCheckpoint.ConsumerBeforeAck, cancellationToken);
                }

                await AcknowledgeAsync(stream, entry.Id);
                return;
            }

            if (outcome.Result == DispatchResult.Unavailable)
            {
                await Task.Delay(unavailableDelay, cancellationToken);
                unavailableDelay = TimeSpan.FromMilliseconds(Math.Min(unavailableDelay.TotalMilliseconds * 2, 5000));
                continue;
            }

            firstFailure ??= time.GetUtcNow();
            if (outcome.Result == DispatchResult.Poison || attempt >= settings.MaxDeliveries)
            {
                await deadLetters.AddAsync(identity.Subscription, topic, envelope.Id, envelope.Type, Encoding.UTF8.GetString(raw), outcome.Error ?? "unknown error", attempt, firstFailure.Value, cancellationToken);
                await AcknowledgeAsync(stream, entry.Id);
                logger.LogError("Event {EventId} ({EventType}) moved to dead letters after {Attempts} deliveries: {Error}", envelope.Id, envelope.Type, attempt, outcome.Error);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(settings.RetryBaseDelayMilliseconds * Math.Pow(2, attempt - 1), 5000)), cancellationToken);
            attempt++;
        }
    }

    private Task<long> AcknowledgeAsync(string stream, RedisValue id) =>
        redis.GetDatabase().StreamAcknowledgeAsync(stream, identity.Subscription, id);

    /// <summary>
    /// Drops entries every consumer group of the stream is done with (older than each group's oldest
    /// pending entry and last delivered id), so streams stay bounded without losing undelivered events.
    /// </summary>
    private async Task TrimAsync(IEnumerable<string> streams)
    {
        var database = redis.GetDatabase();
        foreach (var stream in streams)
        {
            RedisValue? floor = null;
            foreach (var group in await database.StreamGroupInfoAsync(stream))
            {
                var pending = await database.StreamPendingAsync(stream, group.Name);
                var groupFloor = pending.PendingMessageCount > 0 ? pending.LowestPendingMessageId : (RedisValue)group.LastDeliveredId;
                if (floor is null || CompareIds(groupFloor, floor.Value) < 0)
                {
                    floor = groupFloor;
                }
            }

            if (floor is { } minimum && minimum != "0-0")
            {
                await database.ExecuteAsync("XTRIM", stream, "MINID", minimum);
            }
        }
    }

    private static int CompareIds(RedisValue left, RedisValue right)
    {
        static (long, long) Parse(RedisValue id)
        {
            var text = id.ToString();
            var dash = text.IndexOf('-', StringComparison.Ordinal);
            return (long.Parse(text[..dash], System.Globalization.CultureInfo.InvariantCulture), long.Parse(text[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return Parse(left).CompareTo(Parse(right));
    }
}
