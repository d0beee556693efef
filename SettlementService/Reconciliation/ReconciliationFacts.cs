using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>Loads, in the settlement's transaction, what the read model knows of the orders a settlement names and what earlier settlements settled for them.</summary>
public static class ReconciliationFacts
{
    public static async Task<(Dictionary<string, OrderFacts> Orders, Dictionary<string, PriorSettlement> Prior)> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid settlementId, string channel, string partnerId, string[] references, CancellationToken cancellationToken)
    {
        var orders = new Dictionary<string, OrderFacts>(StringComparer.Ordinal);
        var prior = new Dictionary<string, PriorSettlement>(StringComparer.Ordinal);
        if (references.Length == 0)
        {
            return (orders, prior);
        }

        // Channel order ids are the channel's own and unique there; should two partners share one, the settlement's partner wins.
        await using (var command = new NpgsqlCommand("""
            SELECT o.order_id, o.channel_order_id, o.fulfillment_channel, o.currency, o.total, o.status,
                   coalesce((SELECT array_agg(DISTINCT l.sku) FROM known_order_lines l WHERE l.order_id = o.order_id), '{}'),
                   (SELECT count(*) FROM known_returns r WHERE r.order_id = o.order_id)::int,
                   coalesce((SELECT sum(r.refund_amount) FROM known_returns r WHERE r.order_id = o.order_id), 0)
            FROM known_orders o
            WHERE o.channel = @channel AND o.channel_order_id = ANY(@refs)
            ORDER BY (o.partner_id = @partner) ASC
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("channel", channel);
            command.Parameters.AddWithValue("partner", partnerId);
            command.Parameters.AddWithValue("refs", NpgsqlDbType.Array | NpgsqlDbType.Text, references);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var reference = reader.GetString(1);
                orders[reference] = new OrderFacts(
                    reader.GetGuid(0),
                    reference,
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                    reader.GetString(5),
                    new HashSet<string>(reader.GetFieldValue<string[]>(6), StringComparer.Ordinal),
                    reader.GetInt32(7),
                    reader.GetDecimal(8));
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT l.order_reference, l.kind, sum(l.amount), array_agg(DISTINCT s.external_id)
            FROM settlement_lines l JOIN settlements s ON s.settlement_id = l.settlement_id
            WHERE s.channel = @channel AND l.settlement_id <> @id AND l.order_reference = ANY(@refs) AND l.kind IN ('sale', 'refund')
            GROUP BY l.order_reference, l.kind
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("channel", channel);
            command.Parameters.AddWithValue("id", settlementId);
            command.Parameters.AddWithValue("refs", NpgsqlDbType.Array | NpgsqlDbType.Text, references);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var reference = reader.GetString(0);
                var before = prior.GetValueOrDefault(reference) ?? new PriorSettlement(0m, 0m, []);
                var amount = reader.GetDecimal(2);
                var settlements = before.Settlements.Union(reader.GetFieldValue<string[]>(3), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                prior[reference] = reader.GetString(1) == Domain.LineKinds.Sale
                    ? before with { Sales = amount, Settlements = settlements }
                    : before with { Refunds = amount, Settlements = settlements };
            }
        }

        return (orders, prior);
    }
}
