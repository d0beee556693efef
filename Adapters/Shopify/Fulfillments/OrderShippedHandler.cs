using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Adapters.Shopify.Fulfillments;

/// <summary><c>order.shipped</c> of a Shopify order → a fulfillment with tracking, queued for the outbound worker.</summary>
public sealed class OrderShippedHandler(OutboundSignal signal, ShopifyTelemetry telemetry) : IEventHandler<OrderShipped>
{
    public async Task HandleAsync(OrderShipped @event, EventContext context, CancellationToken cancellationToken)
    {
        if (@event.Channel != ShopifyOptions.Channel)
        {
            return;
        }

        using var activity = telemetry.Start("fulfillment.queue");
        activity?.SetTag("order.id", @event.OrderId.ToString());
        long? shopifyOrderId;
        await using (var lookup = new Npgsql.NpgsqlCommand("SELECT shopify_order_id FROM shopify_orders WHERE order_id = @order", context.Connection, context.Transaction))
        {
            lookup.Parameters.AddWithValue("order", @event.OrderId);
            shopifyOrderId = await lookup.ExecuteScalarAsync(cancellationToken) as long?;
        }

        await OutboundQueue.EnqueueFulfillmentAsync(
            new CreateFulfillmentCommand(@event.OrderId, @event.PartnerId, @event.ShipmentId, shopifyOrderId, @event.Lines, @event.Carrier, @event.TrackingNumber),
            context.Connection, context.Transaction, cancellationToken);
        context.OnCommitted(signal.Calls.Notify);
    }
}
