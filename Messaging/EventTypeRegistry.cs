using System.Collections.Concurrent;
using System.Reflection;
using Distribution.Aspire.Contracts.Events;

namespace Distribution.Aspire.Messaging;

/// <summary>What an event is called on the wire and which topic carries it, from its <see cref="IntegrationEventAttribute"/>.</summary>
public sealed record EventDescriptor(Type ClrType, string Type, string Topic);

public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<Type, EventDescriptor> _byClrType = new();
    private readonly ConcurrentDictionary<string, EventDescriptor> _byType = new(StringComparer.Ordinal);

    /// <summary>
    /// Knows every event of the shared contracts from the start. A topic carries several event types and a
    /// service handles only some: one it knows but does not handle is someone else's interest and is skipped,
    /// while a type it has never heard of (a newer producer) is kept as a dead letter for after an upgrade.
    /// </summary>
    public EventTypeRegistry()
    {
        foreach (var type in typeof(IIntegrationEvent).Assembly.GetTypes())
        {
            if (type.IsClass && !type.IsAbstract && typeof(IIntegrationEvent).IsAssignableFrom(type) && type.IsDefined(typeof(IntegrationEventAttribute), false))
            {
                Describe(type);
            }
        }
    }

    public EventDescriptor Describe(Type clrType) => _byClrType.GetOrAdd(clrType, type =>
    {
        var attribute = type.GetCustomAttribute<IntegrationEventAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} has no [IntegrationEvent(type, topic)]: every event needs a wire name and a topic.");
        var descriptor = new EventDescriptor(type, attribute.Type, attribute.Topic);
        if (!_byType.TryAdd(descriptor.Type, descriptor) && _byType[descriptor.Type].ClrType != type)
        {
            throw new InvalidOperationException($"Event type '{descriptor.Type}' is claimed by both {_byType[descriptor.Type].ClrType.Name} and {type.Name}.");
        }

        return descriptor;
    });

    public EventDescriptor Describe<TEvent>() where TEvent : IIntegrationEvent => Describe(typeof(TEvent));

    public bool TryGet(string type, out EventDescriptor descriptor) => _byType.TryGetValue(type, out descriptor!);
}
