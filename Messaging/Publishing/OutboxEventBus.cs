using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging.CloudEvents;
using Distribution.Aspire.Messaging.Outbox;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Npgsql;

namespace Distribution.Aspire.Messaging.Publishing;

internal sealed class OutboxEventBus(EventTypeRegistry registry, MessagingIdentity identity, MessagingTelemetry telemetry, OutboxSignal signal, TimeProvider time) : IEventBus
{
    public async Task<string> PublishAsync<TEvent>(TEvent @event, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
        where TEvent : IIntegrationEvent
    {
        var descriptor = registry.Describe<TEvent>();
        var activity = Activity.Current;
        var envelope = new CloudEvent(
            Guid.CreateVersion7().ToString(),
            identity.Source,
            descriptor.Type,
            time.GetUtcNow(),
            @event.PartitionKey,
            JsonSerializer.SerializeToElement(@event, MessagingJson.Options),
            activity?.Id,
            activity?.TraceStateString,
            CorrelationContext.Current);

        await using var command = new NpgsqlCommand(
            "INSERT INTO outbox (event_id, topic, partition_key, event_type, envelope) VALUES (@id, @topic, @key, @type, @envelope)",
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("id", envelope.Id);
        command.Parameters.AddWithValue("topic", descriptor.Topic);
        command.Parameters.AddWithValue("key", envelope.PartitionKey);
        command.Parameters.AddWithValue("type", envelope.Type);
        command.Parameters.AddWithValue("envelope", CloudEventSerializer.Serialize(envelope));
        await command.ExecuteNonQueryAsync(cancellationToken);
        signal.Notify();

        telemetry.Published.Add(1, new("messaging.destination.name", descriptor.Topic), new("cloudevents.event_type", descriptor.Type));
        return envelope.Id;
    }
}
