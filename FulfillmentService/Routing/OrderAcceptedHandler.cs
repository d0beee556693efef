using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.FulfillmentService.Routing;

/// <summary>order.accepted: one shipment request per node holding the order's stock.</summary>
public sealed class OrderAcceptedHandler(ShipmentRequests requests) : IEventHandler<OrderAccepted>
{
    public Task HandleAsync(OrderAccepted @event, EventContext context, CancellationToken cancellationToken) =>
        requests.RequestAsync(@event, context, cancellationToken);
}
