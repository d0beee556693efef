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
