namespace Distribution.Aspire.Contracts.Events;

/// <summary>
/// Names an event on the wire: its CloudEvents type (<c>distribution.order.accepted.v1</c>) and the topic
/// it travels on (<c>orders</c>). A breaking change is a new type with a new version suffix.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class IntegrationEventAttribute(string type, string topic) : Attribute
{
    public string Type { get; } = type;

    public string Topic { get; } = topic;
}
