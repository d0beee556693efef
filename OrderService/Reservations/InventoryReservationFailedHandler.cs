using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;

namespace Distribution.Aspire.OrderService.Reservations;

/// <summary>
/// inventory.reservation_failed: a received order becomes a backorder (inventory keeps it and retries when
/// stock arrives). Only a received order moves: for any later status the failure is stale (a reservation
/// that succeeded, or a cancellation, came after it), so it is counted and dropped.
/// </summary>
public sealed class InventoryReservationFailedHandler(OrderTelemetry telemetry, TimeProvider time, ILogger<InventoryReservationFailedHandler> logger)
    : IEventHandler<InventoryReservationFailed>
{
    public async Task HandleAsync(InventoryReservationFailed @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("backorder", orderId: @event.OrderId);
        var head = await OrderTransitions.LockAsync(context.Transaction, @event.OrderId, cancellationToken);
        if (head is null || head.Status != OrderStatus.Received)
        {
            ReservationEvents.Ignore(telemetry, logger, "inventory.reservation_failed", @event.OrderId, head);
            return;
        }

        activity?.SetTag("order.channel", head.Channel);
        var now = time.UtcNowMicroseconds();
        var skus = string.Join(", ", @event.Shortages.Select(s => s.Sku).Distinct().Order(StringComparer.Ordinal));
        head = await OrderTransitions.MoveAsync(context.Transaction, head, OrderStatus.Backordered, $"backordered: short of {skus}", now, telemetry, cancellationToken);
        await context.PublishAsync(new OrderBackordered(head.OrderId, head.Channel, head.PartnerId, now, @event.Shortages), cancellationToken);
        logger.LogInformation("Order {OrderId} backordered ({Channel})", head.OrderId, head.Channel);
    }
}
