using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>Queues the Amazon channel's quantity of a SKU, in the inbox transaction of the event.</summary>
public sealed class AvailabilityChangedHandler(QuantitySignal signal, AmazonTelemetry telemetry) : IEventHandler<InventoryAvailabilityChanged>
{
    public async Task HandleAsync(InventoryAvailabilityChanged @event, EventContext context, CancellationToken cancellationToken)
    {
        var channel = @event.Channels.FirstOrDefault(c => string.Equals(c.Channel, AmazonTelemetry.Channel, StringComparison.Ordinal));
        if (channel is null)
        {
            return;
        }

        using var activity = telemetry.Start("quantity.enqueue");
        activity?.SetTag("sku", @event.Sku);
        await QuantityQueue.EnqueueAsync(@event.Sku, channel.Available, @event.Sequence, @event.AsOf, context.Connection, context.Transaction, cancellationToken);
        context.OnCommitted(signal.Notify);
    }
}
