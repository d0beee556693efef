using System.Text;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Submitting;
using Npgsql;

namespace Distribution.Aspire.OrderService.Queries;

/// <summary>Reads for both surfaces. A partner-scoped read of another partner's order answers "not found".</summary>
public sealed class OrderQueries(NpgsqlDataSource database, OrderTelemetry telemetry)
{
    public async Task<Order> GetAsync(Guid orderId, string? partnerId, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("query.get", orderId: orderId);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var order = await OrderReader.GetAsync(connection, null, orderId, cancellationToken);
        if (order is null || (partnerId is not null && order.PartnerId != partnerId))
        {
            throw OrderRejectedException.NotFound($"No order {orderId}.");
        }

        return order;
    }

    public async Task<Order> FindAsync(string? channel, string? partnerId, string? channelOrderId, CancellationToken cancellationToken)
    {
        var validChannel = TextRules.Required(channel, "channel", OrderLimits.MaxIdLength, OrderCodes.ChannelRequired);
        var partner = TextRules.Required(partnerId, "partnerId", OrderLimits.MaxIdLength, OrderCodes.PartnerRequired);
        var key = TextRules.Required(channelOrderId, "channelOrderId", OrderLimits.MaxIdLength, OrderCodes.ChannelOrderIdRequired);
        using var activity = telemetry.Start("query.find", validChannel);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var orders = await OrderReader.QueryAsync(
            connection,
            null,
            "WHERE channel = @channel AND partner_id = @partner AND channel_order_id = @key",
            p =>
            {
                p.AddWithValue("channel", validChannel);
                p.AddWithValue("partner", partner);
                p.AddWithValue("key", key);
            },
            cancellationToken);
        return orders.Count == 1 ? orders[0] : throw OrderRejectedException.NotFound($"No {validChannel} order {key} of partner {partner}.");
    }

    public async Task<OrderPage> ListAsync(OrderFilter filter, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("query.list", filter.Channel);
        var pageSize = filter.PageSize switch
        {
            <= 0 => OrderFilter.DefaultPageSize,
            > OrderFilter.MaxPageSize => OrderFilter.MaxPageSize,
            var size => size,
        };
        var after = string.IsNullOrEmpty(filter.PageToken) ? ((DateTimeOffset, Guid)?)null : PageToken.Decode(filter.PageToken);

        var where = new StringBuilder("WHERE true");
        var values = new List<(string Name, object Value)>();
        void Add(string condition, string name, object value)
        {
            where.Append(" AND ").Append(condition);
            values.Add((name, value));
        }

        if (filter.PartnerId is not null)
        {
            Add("partner_id = @partner", "partner", filter.PartnerId);
        }

        if (TextRules.Optional(filter.Channel, "channel", OrderLimits.MaxIdLength) is { } channel)
        {
            Add("channel = @channel", "channel", channel);
        }

        if (TextRules.Optional(filter.ChannelOrderId, "channelOrderId", OrderLimits.MaxIdLength) is { } channelOrderId)
        {
            Add("channel_order_id = @key", "key", channelOrderId);
        }

        if (filter.Statuses is { Count: > 0 } statuses)
        {
            Add("status = ANY(@statuses)", "statuses", statuses.Select(s => s.ToWire()).Distinct().ToArray());
        }

        if (filter.CreatedBefore is { } before)
        {
            Add("created_at <= @before", "before", before.ToUniversalTime());
        }

        if (filter.CreatedAfter is { } since)
        {
            Add("created_at >= @after", "after", since.ToUniversalTime());
        }

        if (after is var (cursorAt, cursorId))
        {
            where.Append(" AND (created_at, order_id) < (@cursor_at, @cursor_id)");
            values.Add(("cursor_at", cursorAt));
            values.Add(("cursor_id", cursorId));
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var orders = await OrderReader.QueryAsync(
            connection,
            null,
            $"{where} ORDER BY created_at DESC, order_id DESC LIMIT {pageSize + 1}",
            p => values.ForEach(v => p.AddWithValue(v.Name, v.Value)),
            cancellationToken);
        activity?.SetTag("orders.count", Math.Min(orders.Count, pageSize));
        if (orders.Count <= pageSize)
        {
            return new OrderPage(orders, null);
        }

        orders.RemoveAt(pageSize);
        var last = orders[^1];
        return new OrderPage(orders, PageToken.Encode(last.CreatedAt, last.OrderId));
    }
}
