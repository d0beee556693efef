using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>Every shipment becomes a sales shipment in the ERP, queued once per shipment id in the inbox transaction.</summary>
public sealed class OrderShippedHandler(DocumentMapper mapper, ErpTelemetry telemetry) : IEventHandler<OrderShipped>
{
    public async Task HandleAsync(OrderShipped @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("posting.enqueue", DocumentKinds.SalesShipment);
        activity?.SetTag("channel", @event.Channel);
        if (await PostingQueue.EnqueueAsync(context.Connection, context.Transaction, mapper.Shipment(@event), @event.ShipmentId, null, cancellationToken))
        {
            telemetry.Enqueued(DocumentKinds.SalesShipment);
        }
    }
}
