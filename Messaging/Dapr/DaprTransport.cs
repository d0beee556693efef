using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Transport;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Messaging.Dapr;

/// <summary>
/// Publishes through the Dapr sidecar. The envelope already is a CloudEvent, so it goes as
/// <c>application/cloudevents+json</c> and Dapr passes it on instead of wrapping it; the partition key
/// is passed as Dapr's <c>partitionKey</c> metadata, which ordered brokers (Kafka, Event Hubs) honour.
/// Events are sent one after another to keep each key's order.
/// </summary>
internal sealed class DaprTransport(DaprClient dapr, IOptions<MessagingOptions> options) : IEventTransport
{
    public async Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken)
    {
        foreach (var item in events)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["partitionKey"] = item.PartitionKey };
            await dapr.PublishByteEventAsync(options.Value.PubSubName, item.Topic, item.Envelope, CloudEvent.ContentType, metadata, cancellationToken);
        }
    }
}
