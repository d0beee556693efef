using System.Collections.Concurrent;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>Turns an envelope's data into the typed event and runs every handler registered for it.</summary>
internal abstract class HandlerInvoker
{
    private static readonly ConcurrentDictionary<Type, HandlerInvoker> Invokers = new();

    public static HandlerInvoker For(Type eventType) =>
        Invokers.GetOrAdd(eventType, type => (HandlerInvoker)Activator.CreateInstance(typeof(HandlerInvoker<>).MakeGenericType(type))!);

    public abstract bool HasHandlers(IServiceProvider services);

    /// <exception cref="JsonException">The data does not fit the event type.</exception>
    public abstract object Deserialize(JsonElement data);

    public abstract Task InvokeAsync(object @event, EventContext context, IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>Whether a handler of this event type implements <see cref="IEventBatchLocking{TEvent}"/>.</summary>
    public abstract bool LocksForBatches(IServiceProvider services);

    /// <summary>The keys every <see cref="IEventBatchLocking{TEvent}"/> handler gives for the rows these events will lock.</summary>
    public abstract Task<IReadOnlyCollection<string>> LockKeysAsync(IReadOnlyList<object> events, NpgsqlTransaction transaction, IServiceProvider services, CancellationToken cancellationToken);

    /// <summary>The names every <see cref="IEventBatchLocking{TEvent}"/> handler gives for what these events will lock.</summary>
    public abstract IEnumerable<string> LockNames(IReadOnlyList<object> events, IServiceProvider services);
}

internal sealed class HandlerInvoker<TEvent> : HandlerInvoker where TEvent : IIntegrationEvent
{
    public override bool HasHandlers(IServiceProvider services) => services.GetService<IEnumerable<IEventHandler<TEvent>>>()?.Any() == true;

    public override object Deserialize(JsonElement data) =>
        data.Deserialize<TEvent>(MessagingJson.Options) ?? throw new JsonException("The event data is null.");

    public override async Task InvokeAsync(object @event, EventContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        foreach (var handler in services.GetServices<IEventHandler<TEvent>>())
        {
            await handler.HandleAsync((TEvent)@event, context, cancellationToken);
        }
    }

    public override bool LocksForBatches(IServiceProvider services) =>
        services.GetServices<IEventHandler<TEvent>>().Any(handler => handler is IEventBatchLocking<TEvent>);

    public override async Task<IReadOnlyCollection<string>> LockKeysAsync(IReadOnlyList<object> events, NpgsqlTransaction transaction, IServiceProvider services, CancellationToken cancellationToken)
    {
        List<TEvent>? typed = null;
        var keys = new List<string>();
        foreach (var handler in services.GetServices<IEventHandler<TEvent>>())
        {
            if (handler is IEventBatchLocking<TEvent> locking)
            {
                typed ??= [.. events.Cast<TEvent>()];
                keys.AddRange(await locking.LockKeysAsync(typed, transaction, cancellationToken));
            }
        }

        return keys;
    }

    public override IEnumerable<string> LockNames(IReadOnlyList<object> events, IServiceProvider services)
    {
        List<TEvent>? typed = null;
        var names = new List<string>();
        foreach (var handler in services.GetServices<IEventHandler<TEvent>>())
        {
            if (handler is IEventBatchLocking<TEvent> locking)
            {
                typed ??= [.. events.Cast<TEvent>()];
                names.AddRange(locking.LockNames(typed));
            }
        }

        return names;
    }
}
