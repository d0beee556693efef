using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;

namespace Distribution.Aspire.OrderService.Fulfillment;

/// <summary>
/// fulfillment.shipment_delivered: the delivery is kept per fulfillment shipment; the order becomes delivered
/// (order.delivered) once it has shipped in full and every shipment that carried goods has arrived.
/// </summary>
public sealed class ShipmentDeliveredHandler(OrderLifecycle lifecycle, OrderTelemetry telemetry, TimeProvider time, ILogger<ShipmentDeliveredHandler> logger)
    : IEventHandler<ShipmentDelivered>
{
    private const string EventName = "fulfillment.shipment_delivered";

    public async Task HandleAsync(ShipmentDelivered @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("deliver", @event.Channel, @event.OrderId);
        var transaction = context.Transaction;
        var head = await OrderTransitions.LockAsync(transaction, @event.OrderId, cancellationToken);
        if (head is null || head.Status is OrderStatus.Cancelled || head.MarketplaceFulfilled)
        {
            FulfillmentEvents.Ignore(telemetry, logger, EventName, @event.OrderId, head);
            return;
        }

        await OrderDeliveries.RecordAsync(transaction, head.OrderId, @event.ShipmentId, @event.DeliveredAt, cancellationToken);
        if (head.Status == OrderStatus.Shipped && await OrderDeliveries.AllArrivedAsync(transaction, head.OrderId, cancellationToken))
        {
            await lifecycle.DeliverLockedAsync(transaction, head, "delivered: every shipment arrived", time.UtcNowMicroseconds(), cancellationToken);
            logger.LogInformation("Order {OrderId} ({Channel}) delivered", head.OrderId, head.Channel);
        }
    }
}
