using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;

namespace Distribution.Aspire.OrderService.Fulfillment;

/// <summary>
/// fulfillment.shipment_requested: the order is in a node's hands, accepted → released. The first request of
/// an order split over nodes releases it; the others find it released and change nothing.
/// </summary>
public sealed class ShipmentRequestedHandler(OrderTelemetry telemetry, TimeProvider time, ILogger<ShipmentRequestedHandler> logger) : IEventHandler<ShipmentRequested>
{
    public async Task HandleAsync(ShipmentRequested @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("release", @event.Channel, @event.OrderId);
        var head = await OrderTransitions.LockAsync(context.Transaction, @event.OrderId, cancellationToken);
        if (head?.Status is OrderStatus.Released or OrderStatus.PartiallyShipped or OrderStatus.Shipped or OrderStatus.Delivered)
        {
            return;
        }

        if (head?.Status != OrderStatus.Accepted)
        {
            FulfillmentEvents.Ignore(telemetry, logger, "fulfillment.shipment_requested", @event.OrderId, head);
            return;
        }

        await OrderTransitions.MoveAsync(
            context.Transaction, head, OrderStatus.Released, $"released to fulfillment at {@event.LocationId}", time.UtcNowMicroseconds(), telemetry, cancellationToken);
    }
}
