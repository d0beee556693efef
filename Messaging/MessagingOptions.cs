namespace Distribution.Aspire.Messaging;

public enum MessagingTransport
{
    RedisStreams,
    Dapr,
}

/// <summary>The <c>Messaging</c> configuration section.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    public MessagingTransport Transport { get; set; } = MessagingTransport.RedisStreams;

    /// <summary>
    /// The subscriber's name: the Redis consumer group and the inbox/dead-letter key. Defaults to the
    /// service name, so replicas of one service share the work and each service gets every event.
    /// </summary>
    public string? Subscription { get; set; }

    /// <summary>This replica's name within the group; stable across restarts so a restart resumes its own work at once.</summary>
    public string? ConsumerName { get; set; }

    /// <summary>Streams per topic. Events with one partition key always go to the same partition.</summary>
    public int Partitions { get; set; } = 4;

    /// <summary>Deliveries of one event (first try included) before it goes to the dead letters.</summary>
    public int MaxDeliveries { get; set; } = 5;

    public int RetryBaseDelayMilliseconds { get; set; } = 100;

    public int RelayBatchSize { get; set; } = 500;

    public int ReadBatchSize { get; set; } = 200;

    /// <summary>How long a replica's claim on a partition lasts without renewal; a crashed replica's partitions move on after this.</summary>
    public int PartitionLeaseSeconds { get; set; } = 10;

    public string PubSubName { get; set; } = "pubsub";

    /// <summary>Prefix of every Redis key the backbone uses, so environments can share a Redis.</summary>
    public string KeyPrefix { get; set; } = string.Empty;
}
