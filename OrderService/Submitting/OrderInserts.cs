using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;
using Npgsql;

namespace Distribution.Aspire.OrderService.Submitting;

/// <summary>The statements that create an order, shared by the one-round-trip path and the transactional one.</summary>
public static class OrderInserts
{
    /// <summary>Raised by <c>orders_assert_no_early_fact</c> (migration 0001) when a fact waits for the order.</summary>
    public const string EarlyFactWaiting = "OE001";

    public const string UniqueChannelOrder = "orders_channel_order_unique";

    /// <summary>
    /// Serializes everything about one channel order id (its creation, an early cancellation) until the
    /// transaction ends, including the moment before the order row exists, which a row lock cannot cover.
    /// </summary>
    public static NpgsqlBatchCommand KeyLock(ValidOrder order) =>
        new("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        {
            Parameters = { new() { Value = OrderTransitions.ChannelOrderKey(order.Channel, order.PartnerId, order.ChannelOrderId) } },
        };

    public static NpgsqlBatchCommand AssertNoEarlyFact(ValidOrder order) =>
        new("SELECT orders_assert_no_early_fact($1, $2, $3)")
        {
            Parameters = { new() { Value = order.Channel }, new() { Value = order.PartnerId }, new() { Value = order.ChannelOrderId } },
        };

    public static NpgsqlBatchCommand PendingEarlyFacts(ValidOrder order) =>
        new("SELECT kind, reason FROM order_early_facts WHERE channel = $1 AND partner_id = $2 AND channel_order_id = $3 AND applied_at IS NULL")
        {
            Parameters = { new() { Value = order.Channel }, new() { Value = order.PartnerId }, new() { Value = order.ChannelOrderId } },
        };

    /// <param name="ifNew">Insert nothing (rather than fail) when the key exists.</param>
    public static NpgsqlBatchCommand Order(Guid orderId, ValidOrder order, OrderStatus status, long version, DateTimeOffset now, bool ifNew)
    {
        var command = new NpgsqlBatchCommand(
            $"""
            INSERT INTO orders (order_id, channel, partner_id, channel_order_id, customer_reference, ship_to_name, ship_to_line1, ship_to_line2,
                ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country, currency, subtotal, discount_total, tax_total, total,
                fulfillment_channel, requested_ship_by, priority, status, lines_hash, header_hash, version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)
            {(ifNew ? $"ON CONFLICT ON CONSTRAINT {UniqueChannelOrder} DO NOTHING" : string.Empty)}
            """);
        foreach (var value in new object?[]
        {
            orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.CustomerReference, order.ShipTo.Name, order.ShipTo.Line1,
            order.ShipTo.Line2, order.ShipTo.City, order.ShipTo.Region, order.ShipTo.PostalCode, order.ShipTo.Country, order.Currency,
            order.Totals.Subtotal, order.Totals.Discount, order.Totals.Tax, order.Totals.Total, order.FulfillmentChannel, order.RequestedShipBy,
            order.Priority, status.ToWire(), order.LinesHash, order.HeaderHash, version, now,
        })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    /// <param name="ifInserted">Only when the order row was inserted by this transaction (after an <c>ifNew</c> insert).</param>
    public static NpgsqlBatchCommand Lines(Guid orderId, IReadOnlyList<OrderLine> lines, bool ifInserted) =>
        new(
            $"""
            INSERT INTO order_lines (order_id, line_number, line_id, sku, quantity, unit_price, discount, tax, total)
            SELECT $1, l.* FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[]) AS l
            {(ifInserted ? "WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = $1)" : string.Empty)}
            """)
        {
            Parameters =
            {
                new() { Value = orderId },
                new() { Value = Enumerable.Range(1, lines.Count).ToArray() },
                new() { Value = lines.Select(l => l.LineId).ToArray() },
                new() { Value = lines.Select(l => l.Sku).ToArray() },
                new() { Value = lines.Select(l => l.Quantity).ToArray() },
                new() { Value = lines.Select(l => l.UnitPrice).ToArray() },
                new() { Value = lines.Select(l => l.Discount).ToArray() },
                new() { Value = lines.Select(l => l.Tax).ToArray() },
                new() { Value = lines.Select(l => l.Total).ToArray() },
            },
        };

    public static NpgsqlBatchCommand History(Guid orderId, StatusChange change, bool ifInserted) =>
        new(
            "INSERT INTO order_status_history (order_id, status, reason, at) SELECT $1, $2, $3, $4" +
            (ifInserted ? " WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = $1)" : string.Empty))
        {
            Parameters = { new() { Value = orderId }, new() { Value = change.Status.ToWire() }, new() { Value = change.Reason }, new() { Value = change.At } },
        };
}
