using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>Amazon order id ↔ canonical order id, with what we last saw of the Amazon order.</summary>
public sealed class AmazonOrderLinks(NpgsqlDataSource database)
{
    public async Task<AmazonOrderLink?> FindAsync(string amazonOrderId, CancellationToken cancellationToken) =>
        await ReadOneAsync("WHERE amazon_order_id = $1", amazonOrderId, cancellationToken);

    public async Task<AmazonOrderLink?> FindByOrderIdAsync(Guid orderId, CancellationToken cancellationToken) =>
        await ReadOneAsync("WHERE order_id = $1", orderId, cancellationToken);

    public static async Task SaveAsync(AmazonOrderLink link, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO amazon_orders (amazon_order_id, order_id, partner_id, marketplace_id, fulfillment, amazon_status, last_updated)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (amazon_order_id) DO UPDATE SET
                order_id = COALESCE(EXCLUDED.order_id, amazon_orders.order_id),
                amazon_status = EXCLUDED.amazon_status,
                last_updated = GREATEST(amazon_orders.last_updated, EXCLUDED.last_updated),
                recorded_at = now()
            """, connection, transaction);
        command.Parameters.Add(new() { Value = link.AmazonOrderId });
        command.Parameters.Add(new() { Value = (object?)link.OrderId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = link.PartnerId });
        command.Parameters.Add(new() { Value = link.MarketplaceId });
        command.Parameters.Add(new() { Value = link.Fulfillment });
        command.Parameters.Add(new() { Value = link.AmazonStatus });
        command.Parameters.Add(new() { Value = link.LastUpdated });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<AmazonOrderLink?> ReadOneAsync(string where, object key, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT amazon_order_id, order_id, partner_id, marketplace_id, fulfillment, amazon_status, last_updated FROM amazon_orders " + where);
        command.Parameters.Add(new() { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new AmazonOrderLink(
            reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
    }
}

public sealed record AmazonOrderLink(
    string AmazonOrderId, Guid? OrderId, string PartnerId, string MarketplaceId, string Fulfillment, string AmazonStatus, DateTimeOffset LastUpdated);
