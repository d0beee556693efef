using System.Text;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.Messaging.DeadLetters;
using TopicOptions = Dapr.TopicOptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Messaging.Dapr;

/// <summary>What a subscriber answers Dapr for one delivery.</summary>
public sealed record DaprDeliveryStatus(string Status)
{
    public static readonly DaprDeliveryStatus Success = new("SUCCESS");
    public static readonly DaprDeliveryStatus Retry = new("RETRY");
    public static readonly DaprDeliveryStatus Drop = new("DROP");
}

public static class DaprSubscriptionsApi
{
    /// <summary>
    /// The Dapr subscription contract: <c>GET /dapr/subscribe</c> lists a route per subscribed topic
    /// (<c>/dapr/events/{topic}</c>) with this subscription's own dead-letter topic; each route hands the
    /// CloudEvent to the same dispatcher the Redis transport uses and maps the outcome to SUCCESS, RETRY
    /// or DROP. Events Dapr gives up on arrive on the dead-letter route and are stored for operators.
    /// </summary>
    public static IEndpointRouteBuilder MapDaprSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<MessagingOptions>>().Value;
        var identity = endpoints.ServiceProvider.GetRequiredService<MessagingIdentity>();
        endpoints.MapSubscribeHandler();
        foreach (var topic in endpoints.ServiceProvider.GetRequiredService<Subscriptions>().Topics)
        {
            var deadLetterTopic = DeadLetterTopic(topic, identity.Subscription);
            endpoints.MapPost($"/dapr/events/{topic}", (HttpRequest request, EventDispatcher dispatcher, DeadLetterStore deadLetters, TimeProvider time, CancellationToken cancellationToken) =>
                    DeliverAsync(topic, request, dispatcher, deadLetters, identity, time, cancellationToken))
                .WithTopic(new TopicOptions { PubsubName = options.PubSubName, Name = topic, DeadLetterTopic = deadLetterTopic })
                .ExcludeFromDescription();
            endpoints.MapPost($"/dapr/dead-letters/{topic}", (HttpRequest request, DeadLetterStore deadLetters, TimeProvider time, CancellationToken cancellationToken) =>
                    StoreDeadLetterAsync(topic, request, deadLetters, identity, time, cancellationToken))
                .WithTopic(new TopicOptions { PubsubName = options.PubSubName, Name = deadLetterTopic })
                .ExcludeFromDescription();
        }

        return endpoints;
    }

    public static string DeadLetterTopic(string topic, string subscription) => $"{topic}.{subscription}.dead-letters";

    private static async Task<Ok<DaprDeliveryStatus>> DeliverAsync(
        string topic, HttpRequest request, EventDispatcher dispatcher, DeadLetterStore deadLetters, MessagingIdentity identity, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        CloudEvent envelope;
        try
        {
            envelope = CloudEventSerializer.Deserialize(body);
        }
        catch (FormatException ex)
        {
            await deadLetters.AddAsync(identity.Subscription, topic, $"unreadable-{Guid.CreateVersion7()}", "unreadable", Encoding.UTF8.GetString(body), ex.Message, 1, time.GetUtcNow(), cancellationToken);
            return TypedResults.Ok(DaprDeliveryStatus.Drop);
        }

        var outcome = await dispatcher.DispatchAsync(envelope, cancellationToken);
        switch (outcome.Result)
        {
            case DispatchResult.Poison:
                await deadLetters.AddAsync(identity.Subscription, topic, envelope.Id, envelope.Type, Encoding.UTF8.GetString(body), outcome.Error ?? "unreadable", 1, time.GetUtcNow(), cancellationToken);
                return TypedResults.Ok(DaprDeliveryStatus.Drop);
            case DispatchResult.Failed or DispatchResult.Unavailable:
                return TypedResults.Ok(DaprDeliveryStatus.Retry);
            default:
                return TypedResults.Ok(DaprDeliveryStatus.Success);
        }
    }

    private static async Task<Ok<DaprDeliveryStatus>> StoreDeadLetterAsync(
        string topic, HttpRequest request, DeadLetterStore deadLetters, MessagingIdentity identity, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        var (eventId, eventType) = TryRead(body);
        await deadLetters.AddAsync(identity.Subscription, topic, eventId, eventType, Encoding.UTF8.GetString(body), "Dapr gave up after its retry policy", 1, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(DaprDeliveryStatus.Success);
    }

    private static (string EventId, string EventType) TryRead(byte[] body)
    {
        try
        {
            var envelope = CloudEventSerializer.Deserialize(body);
            return (envelope.Id, envelope.Type);
        }
        catch (FormatException)
        {
            return ($"unreadable-{Guid.CreateVersion7()}", "unreadable");
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
