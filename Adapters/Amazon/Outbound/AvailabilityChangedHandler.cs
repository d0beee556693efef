using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Messaging.Consuming;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// Queues the Amazon channel's quantity of a SKU, in the inbox transaction of the event; a quantity Amazon already
/// shows is counted (<c>outcome=unchanged</c>) and not sent.
/// </summary>
public sealed class AvailabilityChangedHandler(QuantitySignal signal, AmazonTelemetry telemetry, IOptions<AmazonOptions> options)
    : IEventHandler<InventoryAvailabilityChanged>
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
        var due = await QuantityQueue.EnqueueAsync(@event.Sku, channel.Available, @event.Sequence, @event.AsOf, context.Connection, context.Transaction, cancellationToken);
        if (due == true)
        {
            context.OnCommitted(signal.Notify);
        }
        else if (due == false)
        {
            activity?.SetTag("amazon.quantity.unchanged", true);
            telemetry.QuantityUpdate(options.Value.QuantityMode, "unchanged");
        }
    }
}
