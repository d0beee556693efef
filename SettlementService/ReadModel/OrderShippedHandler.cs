using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.ReadModel;

/// <summary>order.shipped: shipped orders are the ones a settlement should pay for (one that is not in a report yet may be in the next).</summary>
public sealed class OrderShippedHandler(SettlementTelemetry telemetry) : IEventHandler<OrderShipped>
{
    public async Task HandleAsync(OrderShipped @event, EventContext context, CancellationToken cancellationToken)
    {
        var status = @event.Complete ? "shipped" : "partially_shipped";
        if (!await KnownOrders.MoveAsync(context, @event.OrderId, @event.Channel, @event.PartnerId, status, @event.ShippedAt.ToUniversalTime(), cancellationToken))
        {
            telemetry.CountIgnored("order.shipped", "stale");
        }
    }
}
