using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.OrderService.Reservations;

/// <summary>
/// inventory.reserved: a received or backordered order is reserved and, having nothing else to wait for,
/// accepted in the same transaction (order.accepted carries the allocations). In any other status the
/// event is late or repeated, and changes nothing: a cancelled order's stock is released by inventory on
/// order.cancelled itself.
/// </summary>
public sealed class InventoryReservedHandler(OrderTelemetry telemetry, TimeProvider time, ILogger<InventoryReservedHandler> logger) : IEventHandler<InventoryReserved>
{
    public async Task HandleAsync(InventoryReserved @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("reservation", orderId: @event.OrderId);
        var head = await OrderTransitions.LockAsync(context.Transaction, @event.OrderId, cancellationToken);
        if (head is null || head.Status is not (OrderStatus.Received or OrderStatus.Backordered))
        {
            ReservationEvents.Ignore(telemetry, logger, "inventory.reserved", @event.OrderId, head);
            return;
        }

        activity?.SetTag("order.channel", head.Channel);
        var now = time.UtcNowMicroseconds();
        var locations = string.Join(", ", @event.Allocations.Select(a => a.LocationId).Distinct().Order(StringComparer.Ordinal));
        var reason = @event.FromBackorder ? $"reserved from backorder at {locations}" : $"reserved at {locations}";

        // Both transitions, the allocations and order.accepted in one round trip and one row update; the order row is locked already.
        await using (var batch = context.CreateBatch())
        {
            var allocations = new NpgsqlParameter { Value = JsonSerializer.Serialize(@event.Allocations, MessagingJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb };
            var moves = OrderTransitions.PlanMoves(
                batch, head, [(OrderStatus.Reserved, reason), (OrderStatus.Accepted, "accepted: every line is held")], now, telemetry, ("allocations", allocations));
            batch.Publish(new OrderAccepted(head.OrderId, head.Channel, head.PartnerId, head.FulfillmentChannel, now, @event.Allocations));
            head = await OrderTransitions.ExecuteAsync(batch, context.Transaction, moves, telemetry, cancellationToken);
        }

        logger.LogInformation("Order {OrderId} reserved and accepted ({Channel})", head.OrderId, head.Channel);
    }
}
