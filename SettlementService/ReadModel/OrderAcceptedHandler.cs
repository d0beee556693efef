using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.ReadModel;

public sealed class OrderAcceptedHandler(SettlementTelemetry telemetry) : IEventHandler<OrderAccepted>
{
    public async Task HandleAsync(OrderAccepted @event, EventContext context, CancellationToken cancellationToken)
    {
        if (!await KnownOrders.MoveAsync(context, @event.OrderId, @event.Channel, @event.PartnerId, "accepted", null, cancellationToken))
        {
            telemetry.CountIgnored("order.accepted", "stale");
        }
    }
}
