using Npgsql;

namespace Distribution.Aspire.OrderService.Fulfillment;

/// <summary>Deliveries per fulfillment shipment, so an order split over nodes is delivered only when all of it arrived.</summary>
public static class OrderDeliveries
{
    public static async Task RecordAsync(NpgsqlTransaction transaction, Guid orderId, Guid shipmentId, DateTimeOffset deliveredAt, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO order_deliveries (order_id, shipment_id, delivered_at) VALUES (@order, @shipment, @at) ON CONFLICT DO NOTHING",
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("shipment", shipmentId);
        command.Parameters.AddWithValue("at", deliveredAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>True when some delivery is known and every fulfillment shipment that carried goods has one.</summary>
    public static async Task<bool> AllArrivedAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM order_deliveries WHERE order_id = @order)
               AND NOT EXISTS (
                   SELECT 1 FROM order_shipments s
                   WHERE s.order_id = @order AND s.fulfillment_shipment_id IS NOT NULL
                     AND NOT EXISTS (SELECT 1 FROM order_deliveries d WHERE d.order_id = s.order_id AND d.shipment_id = s.fulfillment_shipment_id))
            """,
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("order", orderId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
