namespace Distribution.Aspire.Messaging.RedisStreams;

/// <summary>
/// One stream per topic partition: <c>{prefix}events:{topic}:{partition}</c>. The prefix
/// (<c>Messaging:KeyPrefix</c>) lets environments or test runs share one Redis without seeing each other.
/// </summary>
public static class StreamNames
{
    public static string For(string prefix, string topic, int partition) => $"{prefix}events:{topic}:{partition}";

    public static string Lease(string subscription, string stream) => $"{stream}:lease:{subscription}";

    public const string EnvelopeField = "ce";
}
