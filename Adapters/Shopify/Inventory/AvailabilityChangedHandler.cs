using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Adapters.Shopify.Inventory;

/// <summary>
/// <c>inventory.availability_changed</c> → the quantity Shopify should show for the SKU: the "shopify" channel's
/// figure (the whole availability if the event names no such channel), queued for the outbound worker. Events older
/// than the newest seen for the SKU are skipped, as the event's contract allows.
/// </summary>
public sealed class AvailabilityChangedHandler(OutboundSignal signal, ShopifyTelemetry telemetry) : IEventHandler<InventoryAvailabilityChanged>
{
    public async Task HandleAsync(InventoryAvailabilityChanged @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory.availability");
        activity?.SetTag("sku", @event.Sku);
        var quantity = Math.Max(0, @event.Channels.FirstOrDefault(c => c.Channel == ShopifyOptions.Channel)?.Available ?? @event.Available);

        await using (var newest = new Npgsql.NpgsqlCommand("""
            INSERT INTO inventory_sync (sku, last_sequence, last_quantity) VALUES (@sku, @sequence, @quantity)
            ON CONFLICT (sku) DO UPDATE SET last_sequence = excluded.last_sequence, last_quantity = excluded.last_quantity, changed_at = now()
            WHERE inventory_sync.last_sequence < excluded.last_sequence
            """, context.Connection, context.Transaction))
        {
            newest.Parameters.AddWithValue("sku", @event.Sku);
            newest.Parameters.AddWithValue("sequence", @event.Sequence);
            newest.Parameters.AddWithValue("quantity", quantity);
            if (await newest.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                activity?.SetTag("shopify.outcome", "stale");
                return;
            }
        }

        var queued = await OutboundQueue.EnqueueInventoryAsync(
            new SetInventoryCommand(@event.Sku, quantity, @event.Sequence, @event.AsOf), context.Connection, context.Transaction, cancellationToken);
        if (!queued)
        {
            ShopifyTelemetry.Count(telemetry.Coalesced, "kind", OutboundKinds.SetInventory);
        }

        activity?.SetTag("shopify.outcome", queued ? "queued" : "coalesced");

        // Woken before the commit, the worker could lease before the command is visible and then sleep out its poll.
        context.OnCommitted(signal.Quantities.Notify);
    }
}
