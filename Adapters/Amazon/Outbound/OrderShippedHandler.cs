using System.Text.Json;
using Distribution.Aspire.Adapters.Amazon.Exceptions;
using Distribution.Aspire.Adapters.Amazon.Orders;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Consuming;
using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// Queues a shipment confirmation for an Amazon order we ship ourselves, in the inbox transaction of the
/// event. Marketplace-fulfilled orders are Amazon's to confirm; a shipment of an order we never linked is
/// an exception for operators.
/// </summary>
public sealed class OrderShippedHandler(AmazonOrderLinks links, ExceptionStore exceptions, ShipmentSignal signal, AmazonTelemetry telemetry) : IEventHandler<OrderShipped>
{
    public async Task HandleAsync(OrderShipped @event, EventContext context, CancellationToken cancellationToken)
    {
        if (!string.Equals(@event.Channel, AmazonTelemetry.Channel, StringComparison.Ordinal))
        {
            return;
        }

        using var activity = telemetry.Start("shipment.enqueue");
        var payload = JsonSerializer.Serialize(@event, SpApi.SpApiClient.Json);
        var link = await links.FindByOrderIdAsync(@event.OrderId, cancellationToken);
        if (link is null)
        {
            await exceptions.RecordAsync(AmazonProblemCodes.UnknownOrder, "shipment", @event.OrderId.ToString(),
                "A shipment of an order this adapter never linked to an Amazon order.", payload, cancellationToken, context.Connection, context.Transaction);
            return;
        }

        if (string.Equals(link.Fulfillment, FulfillmentChannels.Marketplace, StringComparison.Ordinal))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(@event.TrackingNumber))
        {
            await exceptions.RecordAsync(AmazonProblemCodes.MissingField, "shipment", link.AmazonOrderId,
                "Amazon needs a tracking number to confirm a shipment.", payload, cancellationToken, context.Connection, context.Transaction);
            return;
        }

        await using var command = new NpgsqlCommand("""
            INSERT INTO shipment_confirmations (shipment_id, order_id, amazon_order_id, marketplace_id, carrier, tracking_number, shipped_at, items)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (shipment_id) DO NOTHING
            """, context.Connection, context.Transaction);
        command.Parameters.Add(new() { Value = @event.ShipmentId });
        command.Parameters.Add(new() { Value = @event.OrderId });
        command.Parameters.Add(new() { Value = link.AmazonOrderId });
        command.Parameters.Add(new() { Value = link.MarketplaceId });
        command.Parameters.Add(new() { Value = @event.Carrier ?? string.Empty });
        command.Parameters.Add(new() { Value = @event.TrackingNumber });
        command.Parameters.Add(new() { Value = @event.ShippedAt });
        command.Parameters.Add(new()
        {
            Value = JsonSerializer.Serialize(@event.Lines.Select(line => new ConfirmShipmentOrderItem(line.LineId, line.Quantity)), SpApi.SpApiClient.Json),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb,
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
        context.OnCommitted(signal.Notify);
    }
}
