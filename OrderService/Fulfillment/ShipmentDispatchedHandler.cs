using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;
using Distribution.Aspire.ServiceDefaults.Persistence;

namespace Distribution.Aspire.OrderService.Fulfillment;

/// <summary>
/// fulfillment.shipment_dispatched: the dispatch is recorded as a shipment of the order (once per dispatch
/// id), which becomes partially shipped or shipped and publishes order.shipped. An order still accepted (its
/// shipment_requested was dead-lettered) is released first. The first package's carrier and tracking number
/// go on order.shipped; the event itself carries every package.
/// </summary>
public sealed class ShipmentDispatchedHandler(OrderLifecycle lifecycle, OrderTelemetry telemetry, TimeProvider time, ILogger<ShipmentDispatchedHandler> logger)
    : IEventHandler<ShipmentDispatched>
{
    private const string EventName = "fulfillment.shipment_dispatched";
    private const string Savepoint = "shipment_dispatched";

    public async Task HandleAsync(ShipmentDispatched @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("ship", @event.Channel, @event.OrderId);
        var transaction = context.Transaction;
        var head = await OrderTransitions.LockAsync(transaction, @event.OrderId, cancellationToken);
        if (head is null || head.Status is not (OrderStatus.Accepted or OrderStatus.Released or OrderStatus.PartiallyShipped))
        {
            FulfillmentEvents.Ignore(telemetry, logger, EventName, @event.OrderId, head);
            return;
        }

        var package = @event.Packages.Count > 0 ? @event.Packages[0] : null;
        var report = new ShipmentReport(
            @event.OrderId,
            @event.DispatchId,
            @event.Lines.Select(l => new ShippedLineInput(l.LineId, l.Quantity)).ToList(),
            package?.Carrier,
            package?.TrackingNumber,
            @event.ShipmentId);

        // A refusal (more than ordered, an unknown line) must leave nothing behind, yet the inbox row must
        // commit so the event is not retried for ever: the shipment's writes are undone to a savepoint.
        await transaction.SaveAsync(Savepoint, cancellationToken);
        try
        {
            var now = time.UtcNowMicroseconds();
            if (head.Status == OrderStatus.Accepted)
            {
                head = await OrderTransitions.MoveAsync(transaction, head, OrderStatus.Released, $"released to fulfillment at {@event.LocationId}", now, telemetry, cancellationToken);
            }

            head = await lifecycle.RecordShipmentLockedAsync(transaction, head, OrderLifecycle.ValidateShipment(report), now, cancellationToken);
            if (head.Status == OrderStatus.Shipped && await OrderDeliveries.AllArrivedAsync(transaction, head.OrderId, cancellationToken))
            {
                await lifecycle.DeliverLockedAsync(transaction, head, "delivered: every shipment arrived", now, cancellationToken);
            }
        }
        catch (OrderRejectedException rejected)
        {
            await transaction.RollbackAsync(Savepoint, cancellationToken);
            FulfillmentEvents.Ignore(telemetry, logger, EventName, @event.OrderId, head, rejected.Code);
            return;
        }

        await transaction.ReleaseSavepointAsync(Savepoint, cancellationToken);
        logger.LogInformation("Dispatch {DispatchId} of order {OrderId} ({Channel}) recorded: the order is {Status}", @event.DispatchId, head.OrderId, head.Channel, head.Status.ToWire());
    }
}
