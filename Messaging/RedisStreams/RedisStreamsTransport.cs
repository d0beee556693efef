using Distribution.Aspire.Messaging.Transport;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.Messaging.RedisStreams;

/// <summary>
/// XADDs each event to its topic partition's stream, the whole batch pipelined on one connection, so
/// events reach each stream in the order given. Nothing is trimmed here: a length cap would drop
/// entries a slow or stopped subscriber has not read; consumers trim what every group is done with.
/// </summary>
internal sealed class RedisStreamsTransport(IConnectionMultiplexer redis, IOptions<MessagingOptions> options) : IEventTransport
{
    public async Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var batch = redis.GetDatabase().CreateBatch();
        var writes = new Task[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var item = events[i];
            var stream = StreamNames.For(settings.KeyPrefix, item.Topic, Partitioning.PartitionOf(item.PartitionKey, settings.Partitions));
            writes[i] = batch.StreamAddAsync(stream, StreamNames.EnvelopeField, item.Envelope);
        }

        batch.Execute();
        await Task.WhenAll(writes).WaitAsync(cancellationToken);
    }
}
