using Distribution.Aspire.Contracts.Events;

namespace Distribution.Aspire.Messaging.Consuming;

/// <summary>
/// Handles one integration event type. Everything the handler writes through <see cref="EventContext.Transaction"/>
/// commits together with the record that the event was handled, so a redelivery changes nothing.
/// Throwing means "try again later"; after the delivery limit the event goes to the dead letters.
/// </summary>
public interface IEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent @event, EventContext context, CancellationToken cancellationToken);
}
