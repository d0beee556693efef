namespace Distribution.Aspire.Messaging.Transport;

/// <summary>An event on its way from the outbox to the transport: the serialized CloudEvent and where it goes.</summary>
public sealed record OutgoingEvent(string EventId, string Topic, string PartitionKey, ReadOnlyMemory<byte> Envelope);
