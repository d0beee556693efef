using Distribution.Aspire.Contracts;
using Distribution.Aspire.Messaging.Consuming;
using Npgsql;
using NpgsqlTypes;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.SettlementService.ReadModel;

/// <summary>
/// The settlement service's own view of orders and returns, written in the handlers' inbox transactions. Status events
/// never move an order backwards (a replayed old event changes nothing) and may arrive before order.received, in which
/// case they leave a stub that order.received completes.
/// </summary>
public static class KnownOrders
{
    public static async Task RecordReceivedAsync(
        EventContext context, Contracts.Events.Orders.OrderReceived received, OrdersProto.Order? order, CancellationToken cancellationToken)
    {
        decimal? total = order?.Totals?.Total is { } money && money.TryGetAmount(out var amount) ? amount : null;
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO known_orders (order_id, channel, partner_id, channel_order_id, fulfillment_channel, currency, total)
            VALUES (@id, @channel, @partner, @channelOrderId, @fulfillment, @currency, @total)
            ON CONFLICT (order_id) DO UPDATE SET
                channel = excluded.channel, partner_id = excluded.partner_id, channel_order_id = excluded.channel_order_id,
                fulfillment_channel = excluded.fulfillment_channel,
                currency = coalesce(excluded.currency, known_orders.currency), total = coalesce(excluded.total, known_orders.total), updated_at = now()
            """, context.Connection, context.Transaction))
        {
            upsert.Parameters.AddWithValue("id", received.OrderId);
            upsert.Parameters.AddWithValue("channel", received.Channel);
            upsert.Parameters.AddWithValue("partner", received.PartnerId);
            upsert.Parameters.AddWithValue("channelOrderId", received.ChannelOrderId);
            upsert.Parameters.AddWithValue("fulfillment", received.FulfillmentChannel);
            upsert.Parameters.Add(new NpgsqlParameter("currency", NpgsqlDbType.Char) { Value = string.IsNullOrEmpty(order?.Currency) ? DBNull.Value : order.Currency });
            upsert.Parameters.Add(new NpgsqlParameter("total", NpgsqlDbType.Numeric) { Value = (object?)total ?? DBNull.Value });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        var lines = order is null
            ? received.Lines.Select(l => (l.LineId, l.Sku, l.Quantity, UnitPrice: (decimal?)null, Total: (decimal?)null)).ToList()
            : [.. order.Lines.Select(l => (l.LineId, l.Sku, l.Quantity, UnitPrice: Amount(l.UnitPrice), Total: Amount(l.Total)))];
        await using var insert = new NpgsqlCommand("""
            INSERT INTO known_order_lines (order_id, line_id, sku, quantity, unit_price, total)
            SELECT @id, t.line_id, t.sku, t.quantity, t.unit_price, t.total FROM unnest(@lineIds, @skus, @quantities, @prices, @totals) AS t(line_id, sku, quantity, unit_price, total)
            ON CONFLICT (order_id, line_id) DO UPDATE SET unit_price = coalesce(excluded.unit_price, known_order_lines.unit_price),
                total = coalesce(excluded.total, known_order_lines.total)
            """, context.Connection, context.Transaction);
        insert.Parameters.AddWithValue("id", received.OrderId);
        insert.Parameters.AddWithValue("lineIds", lines.Select(l => l.LineId).ToArray());
        insert.Parameters.AddWithValue("skus", lines.Select(l => l.Sku).ToArray());
        insert.Parameters.AddWithValue("quantities", lines.Select(l => l.Quantity).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("prices", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = lines.Select(l => l.UnitPrice).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("totals", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = lines.Select(l => l.Total).ToArray() });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves the order to <paramref name="status"/> unless it is already there or further along; false when nothing changed.</summary>
    public static async Task<bool> MoveAsync(
        EventContext context, Guid orderId, string channel, string partnerId, string status, DateTimeOffset? shippedAt, CancellationToken cancellationToken)
    {
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO known_orders (order_id, channel, partner_id, status, shipped_at) VALUES (@id, @channel, @partner, @status, @shipped)
            ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, shipped_at = coalesce(known_orders.shipped_at, excluded.shipped_at), updated_at = now()
            WHERE array_position(ARRAY['received', 'accepted', 'partially_shipped', 'shipped'], known_orders.status)
                  < coalesce(array_position(ARRAY['received', 'accepted', 'partially_shipped', 'shipped'], excluded.status), 99)
            """, context.Connection, context.Transaction);
        upsert.Parameters.AddWithValue("id", orderId);
        upsert.Parameters.AddWithValue("channel", channel);
        upsert.Parameters.AddWithValue("partner", partnerId);
        upsert.Parameters.AddWithValue("status", status);
        upsert.Parameters.Add(new NpgsqlParameter("shipped", NpgsqlDbType.TimestampTz) { Value = (object?)shippedAt ?? DBNull.Value });
        return await upsert.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public static async Task<bool> RecordReturnAsync(EventContext context, Contracts.Events.Fulfillment.ReturnReceived received, decimal refund, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO known_returns (return_id, order_id, channel, refund_amount, currency, received_at) VALUES (@id, @order, @channel, @refund, @currency, @at)
            ON CONFLICT (return_id) DO NOTHING
            """, context.Connection, context.Transaction);
        insert.Parameters.AddWithValue("id", received.ReturnId);
        insert.Parameters.AddWithValue("order", received.OrderId);
        insert.Parameters.AddWithValue("channel", received.Channel);
        insert.Parameters.AddWithValue("refund", refund);
        insert.Parameters.AddWithValue("currency", received.Currency);
        insert.Parameters.AddWithValue("at", received.ReceivedAt.ToUniversalTime());
        return await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static decimal? Amount(Contracts.Common.V1.Money? money) => money is not null && money.TryGetAmount(out var value) ? value : null;
}
