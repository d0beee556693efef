using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>Every received return becomes a sales return receipt in the ERP, queued once per return id in the inbox transaction.</summary>
public sealed class ReturnReceivedHandler(DocumentMapper mapper, ErpTelemetry telemetry) : IEventHandler<ReturnReceived>
{
    public async Task HandleAsync(ReturnReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("posting.enqueue", DocumentKinds.ReturnReceipt);
        activity?.SetTag("channel", @event.Channel);
        if (await PostingQueue.EnqueueAsync(context.Connection, context.Transaction, mapper.Return(@event), @event.ReturnId.ToString(), null, cancellationToken))
        {
            telemetry.Enqueued(DocumentKinds.ReturnReceipt);
        }
    }
}
