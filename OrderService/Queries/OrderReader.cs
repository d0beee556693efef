using Distribution.Aspire.OrderService.Domain;
using Npgsql;

namespace Distribution.Aspire.OrderService.Queries;

/// <summary>Reads whole orders (row, lines, history) in three statements however many orders are asked for: one round trip for one order, two for a list.</summary>
public static class OrderReader
{
    private const string Columns =
        "order_id, channel, partner_id, channel_order_id, customer_reference, ship_to_name, ship_to_line1, ship_to_line2, ship_to_city, " +
        "ship_to_region, ship_to_postal_code, ship_to_country, currency, subtotal, discount_total, tax_total, total, fulfillment_channel, " +
        "requested_ship_by, priority, status, created_at, updated_at, version";

    private const string LinesSql =
        "SELECT order_id, line_id, sku, quantity, unit_price, discount, tax, total, shipped_quantity FROM order_lines " +
        "WHERE order_id = ANY($1) ORDER BY order_id, line_number";

    private const string HistorySql = "SELECT order_id, status, reason, at FROM order_status_history WHERE order_id = ANY($1) ORDER BY entry_id";

    /// <summary>One order by id in one round trip (the order, its lines and its history as one batch).</summary>
    public static async Task<Order?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT {Columns} FROM orders WHERE order_id = $1") { Parameters = { new() { Value = orderId } } },
                new NpgsqlBatchCommand(LinesSql) { Parameters = { new() { Value = new[] { orderId } } } },
                new NpgsqlBatchCommand(HistorySql) { Parameters = { new() { Value = new[] { orderId } } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var order = ReadOrder(reader);
        var lines = new Dictionary<Guid, List<OrderLine>> { [orderId] = [] };
        var history = new Dictionary<Guid, List<StatusChange>> { [orderId] = [] };
        await reader.NextResultAsync(cancellationToken);
        await ReadLinesAndHistoryAsync(reader, lines, history, cancellationToken);
        return order with { Lines = lines[orderId], History = history[orderId] };
    }

    /// <param name="clauses">WHERE / ORDER BY / LIMIT text over the <c>orders</c> table; values only as parameters.</param>
    public static async Task<List<Order>> QueryAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string clauses, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        var orders = new List<Order>();
        await using (var command = new NpgsqlCommand($"SELECT {Columns} FROM orders {clauses}", connection, transaction))
        {
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                orders.Add(ReadOrder(reader));
            }
        }

        if (orders.Count == 0)
        {
            return orders;
        }

        var ids = orders.Select(o => o.OrderId).ToArray();
        var lines = ids.ToDictionary(id => id, _ => new List<OrderLine>());
        var history = ids.ToDictionary(id => id, _ => new List<StatusChange>());
        await using (var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(LinesSql) { Parameters = { new() { Value = ids } } },
                new NpgsqlBatchCommand(HistorySql) { Parameters = { new() { Value = ids } } },
            },
        })
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await ReadLinesAndHistoryAsync(reader, lines, history, cancellationToken);
        }

        return orders.Select(o => o with { Lines = lines[o.OrderId], History = history[o.OrderId] }).ToList();
    }

    /// <summary>Reads the result of <see cref="LinesSql"/>, then of <see cref="HistorySql"/>, from the reader's current result on.</summary>
    private static async Task ReadLinesAndHistoryAsync(
        NpgsqlDataReader reader, Dictionary<Guid, List<OrderLine>> lines, Dictionary<Guid, List<StatusChange>> history, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken))
        {
            lines[reader.GetGuid(0)].Add(new OrderLine(
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetDecimal(4),
                reader.GetDecimal(5),
                reader.GetDecimal(6),
                reader.GetDecimal(7),
                reader.GetInt32(8)));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            history[reader.GetGuid(0)].Add(new StatusChange(
                OrderStatuses.Parse(reader.GetString(1)),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetString(2)));
        }
    }

    private static Order ReadOrder(NpgsqlDataReader reader) => new(
        OrderId: reader.GetGuid(0),
        Channel: reader.GetString(1),
        PartnerId: reader.GetString(2),
        ChannelOrderId: reader.GetString(3),
        CustomerReference: reader.IsDBNull(4) ? null : reader.GetString(4),
        ShipTo: new ShipTo(
            reader.GetString(5),
            reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            reader.GetString(8),
            reader.GetString(9),
            reader.GetString(10),
            reader.GetString(11)),
        Currency: reader.GetString(12),
        Lines: [],
        Totals: new OrderTotals(reader.GetDecimal(13), reader.GetDecimal(14), reader.GetDecimal(15), reader.GetDecimal(16)),
        FulfillmentChannel: reader.GetString(17),
        RequestedShipBy: reader.IsDBNull(18) ? null : reader.GetFieldValue<DateTimeOffset>(18),
        Priority: reader.GetInt32(19),
        Status: OrderStatuses.Parse(reader.GetString(20)),
        History: [],
        CreatedAt: reader.GetFieldValue<DateTimeOffset>(21),
        UpdatedAt: reader.GetFieldValue<DateTimeOffset>(22),
        Version: reader.GetInt64(23));
}
