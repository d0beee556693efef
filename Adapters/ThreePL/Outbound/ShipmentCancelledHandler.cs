using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.ThreePL.Outbound;

/// <summary>A withdrawn shipment request at a 3PL we serve: cancel it there (see <see cref="OutboundOrders.CancelAsync"/>).</summary>
public sealed class ShipmentCancelledHandler(OutboundOrders outbound, IOptions<ThreePLOptions> options, ThreePLTelemetry telemetry) : IEventHandler<ShipmentCancelled>
{
    public async Task HandleAsync(ShipmentCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        if (@event.NodePartnerId is not { } partnerId || options.Value.Find(partnerId) is not { } partner)
        {
            return;
        }

        using var activity = telemetry.Start("threepl.cancel.queue", partnerId);
        await outbound.CancelAsync(context.Connection, context.Transaction, @event, partnerId, partner, cancellationToken);
    }
}
