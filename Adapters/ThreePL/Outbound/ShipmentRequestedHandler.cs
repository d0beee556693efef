using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.ThreePL.Outbound;

/// <summary>
/// A shipment request for a 3PL node becomes a queued 940 or JSON order, in the inbox transaction. Requests for
/// our own warehouses are not ours. A 3PL with no profile here fails the event (it goes to the dead letters
/// with the reason; configure the partner and replay it).
/// </summary>
public sealed class ShipmentRequestedHandler(OutboundOrders outbound, IOptions<ThreePLOptions> options, ThreePLTelemetry telemetry) : IEventHandler<ShipmentRequested>
{
    public async Task HandleAsync(ShipmentRequested @event, EventContext context, CancellationToken cancellationToken)
    {
        if (!string.Equals(@event.NodeKind, "3pl", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var partnerId = @event.NodePartnerId ?? string.Empty;
        var partner = options.Value.Find(partnerId)
            ?? throw new InvalidOperationException($"Shipment {@event.ShipmentId} is for 3PL partner '{partnerId}', which has no profile under ThreePL:Partners.");
        using var activity = telemetry.Start("threepl.order.queue", partnerId, partner.IsX12 ? "940" : "json");
        if (await outbound.RequestAsync(context.Connection, context.Transaction, @event, partnerId, partner, cancellationToken))
        {
            telemetry.Sent(partnerId, OutboundOrders.Order, "queued");
        }
    }
}
