using Distribution.Aspire.SettlementService.Domain;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>
/// Reconciles a settlement in <c>mismatch</c> again, for an operator who fixed what was wrong (a posting rule added, an
/// expected fee configured, the missing order received): the stored lines are read again by today's rules and facts.
/// A settlement that matched is left alone; its journals are the ERP's already.
/// </summary>
public sealed class SettlementRetry(NpgsqlDataSource database, SettlementReconciliation reconciliation, IOptions<SettlementOptions> options)
{
    public async Task<ReconciliationSummary> RunAsync(Guid settlementId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        SettlementHeader header;
        string status;
        await using (var command = new NpgsqlCommand("""
            SELECT channel, partner_id, external_id, period_start, period_end, deposit_date, currency, total_amount, status
            FROM settlements WHERE settlement_id = @id FOR UPDATE
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", settlementId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new SettlementRejectedException(RejectionKind.NotFound, SettlementCodes.SettlementNotFound, $"No settlement {settlementId}.");
            }

            header = new SettlementHeader(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), reader.GetDecimal(7));
            status = reader.GetString(8);
        }

        if (status != SettlementStatuses.Mismatch)
        {
            throw new SettlementRejectedException(RejectionKind.Conflict, SettlementCodes.NotReconcilable,
                $"Settlement {settlementId} is {status}; only a settlement in mismatch is reconciled again.");
        }

        var lines = new List<SettlementLine>();
        await using (var command = new NpgsqlCommand("""
            SELECT line_number, order_reference, transaction_type, amount_type, amount_description, amount, sku, quantity, posted_at, line_reference
            FROM settlement_lines WHERE settlement_id = @id ORDER BY line_number
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", settlementId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new SettlementLine(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetDecimal(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
            }
        }

        var settlement = new CanonicalSettlement(header, lines);
        var kinds = LineClassifier.Classify(options.Value.For(header.Channel), lines);
        await using (var update = new NpgsqlCommand("""
            UPDATE settlement_lines l SET kind = k.kind FROM unnest(@numbers, @kinds) AS k(n, kind)
            WHERE l.settlement_id = @id AND l.line_number = k.n AND l.kind <> k.kind
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("id", settlementId);
            update.Parameters.AddWithValue("numbers", NpgsqlDbType.Array | NpgsqlDbType.Integer, lines.Select(l => l.LineNumber).ToArray());
            update.Parameters.AddWithValue("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text, kinds);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var summary = await reconciliation.RunAsync(connection, transaction, settlementId, settlement, kinds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summary;
    }
}
