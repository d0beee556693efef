namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>The topics this service consumes: those of the event types it registered handlers for.</summary>
public sealed class Subscriptions
{
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Topics => _topics;

    internal void Add(string topic) => _topics.Add(topic);
}
