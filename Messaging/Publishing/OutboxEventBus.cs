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
        var (id, outbox) = CreateOutboxCommand(@event);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { outbox } };
        await batch.ExecuteNonQueryAsync(cancellationToken);

        signal.NotifyBeforeCommit(transaction);
        return id;
    }

    public OutboxBatch CreateBatch(NpgsqlConnection connection) => new(connection, null, this, signal);

    public OutboxBatch CreateBatch(NpgsqlTransaction transaction) => new(transaction.Connection!, transaction, this, signal);

    internal (string Id, NpgsqlBatchCommand Command) CreateOutboxCommand<TEvent>(TEvent @event)
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

        var command = new NpgsqlBatchCommand("INSERT INTO outbox (event_id, topic, partition_key, event_type, envelope) VALUES ($1, $2, $3, $4, $5)")
        {
            Parameters =
            {
                new() { Value = envelope.Id },
                new() { Value = descriptor.Topic },
                new() { Value = envelope.PartitionKey },
                new() { Value = envelope.Type },
                new() { Value = CloudEventSerializer.Serialize(envelope) },
            },
        };

        telemetry.Published.Add(1, new("messaging.destination.name", descriptor.Topic), new("cloudevents.event_type", descriptor.Type));
        return (envelope.Id, command);
    }
}
