using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.Messaging.DeadLetters;
using Distribution.Aspire.Messaging.Outbox;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.Messaging.Transport;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// The event backbone for a service that already has its database (<c>AddServiceDatabase</c>) and
    /// Redis: outbox and relay, inbox, dead letters, and the configured transport
    /// (<c>Messaging:Transport</c>: RedisStreams, the default, or Dapr).
    /// </summary>
    public static MessagingBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(MessagingOptions.SectionName);
        builder.Services.Configure<MessagingOptions>(section);
        var options = section.Get<MessagingOptions>() ?? new MessagingOptions();

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured
            ? configured
            : builder.Environment.ApplicationName.ToLowerInvariant();
        var subscription = options.Subscription ?? serviceName;
        var identity = new MessagingIdentity(serviceName, subscription, options.ConsumerName ?? $"{subscription}@{Environment.MachineName}");

        var registry = new EventTypeRegistry();
        var subscriptions = new Subscriptions();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(identity);
        services.AddSingleton(registry);
        services.AddSingleton(subscriptions);
        services.AddSingleton<MessagingTelemetry>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IEventBus, OutboxEventBus>();
        services.AddSingleton<BatchLockGate>();
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton<DeadLetterStore>();
        services.AddGaugeSampler<DeadLetterSampler>();
        services.AddMigrationSet("messaging", typeof(MessagingExtensions).Assembly);
        services.AddHostedService<OutboxRelay>();

        switch (options.Transport)
        {
            case MessagingTransport.Dapr:
                services.AddDaprClient();
                services.AddSingleton<IEventTransport, Dapr.DaprTransport>();
                break;
            default:
                services.AddSingleton<IEventTransport, RedisStreamsTransport>();
                services.AddHostedService<RedisStreamsConsumer>();
                break;
        }

        return new MessagingBuilder(services, registry, subscriptions);
    }
}

public sealed class MessagingBuilder(IServiceCollection services, EventTypeRegistry registry, Subscriptions subscriptions)
{
    /// <summary>Handles <typeparamref name="TEvent"/> with <typeparamref name="THandler"/> (scoped), subscribing to its topic.</summary>
    public MessagingBuilder AddEventHandler<TEvent, THandler>()
        where TEvent : Contracts.Events.IIntegrationEvent
        where THandler : class, IEventHandler<TEvent>
    {
        services.AddScoped<IEventHandler<TEvent>, THandler>();
        subscriptions.Add(registry.Describe<TEvent>().Topic);
        return this;
    }
}
