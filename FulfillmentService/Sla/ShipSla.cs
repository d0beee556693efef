using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Shipments;
using Distribution.Aspire.ServiceDefaults.Sla;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Sla;

/// <summary>
/// Shipment completeness: a shipment counts as shipped within SLA when its first dispatch happened (the node's
/// own time) no later than the ordering partner's <c>ShipHours</c> after it was requested. A late one is put on
/// the SLA breach list in the dispatching transaction, unless <see cref="OverdueShipmentSampler"/> already did
/// while it was waiting.
/// </summary>
public static class ShipSla
{
    public static async Task RecordShippedAsync(
        NpgsqlTransaction transaction, ShipmentHead head, DateTimeOffset shippedAt, FulfillmentTelemetry telemetry, SlaPolicy sla, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand(
            "SELECT order_partner_id, channel_order_id, created_at FROM shipments WHERE shipment_id = @id", transaction.Connection, transaction);
        read.Parameters.AddWithValue("id", head.ShipmentId);
        string partnerId, channelOrderId;
        DateTimeOffset requestedAt;
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (partnerId, channelOrderId, requestedAt) = (reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        var took = shippedAt - requestedAt;
        var late = sla.IsBreached(partnerId, SlaKind.Ship, took);
        telemetry.Shipped.Add(1, new("partner", partnerId), new("channel", head.Channel), new("node", head.LocationId), new("within_sla", late ? "false" : "true"));
        if (late && await SlaBreachStore.RaiseAsync(
            transaction, sla.Breach(SlaKind.Ship, head.ShipmentId.ToString(), partnerId, head.Channel, took, shippedAt, head.OrderId, channelOrderId), cancellationToken))
        {
            sla.Count(partnerId, head.Channel, SlaKind.Ship);
        }
    }
}
