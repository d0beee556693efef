namespace Distribution.Aspire.Messaging.Transport;

/// <summary>
/// Hands events to the broker. Returning means the broker has them (durably, as far as it promises);
/// an exception means none of the batch may be assumed delivered, and the relay sends it again.
/// Events of one partition key must reach the broker in the order given.
/// </summary>
public interface IEventTransport
{
    Task PublishAsync(IReadOnlyList<OutgoingEvent> events, CancellationToken cancellationToken);
}
