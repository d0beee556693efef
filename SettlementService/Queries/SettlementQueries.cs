using System.Text;
using System.Text.Json;
using Distribution.Aspire.SettlementService.Domain;
using Npgsql;

namespace Distribution.Aspire.SettlementService.Queries;

/// <summary>Operators' reads: settlements, one settlement with its lines, results and journals, mismatches across settlements, refused reports.</summary>
public sealed class SettlementQueries(NpgsqlDataSource database)
{
    public const int MaxLinesShown = 5000;

    private const string SummaryColumns = """
        s.settlement_id, s.channel, s.partner_id, s.external_id, s.period_start, s.period_end, s.deposit_date, s.currency, s.total_amount,
        s.lines_total, s.header_total_mismatch, s.line_count, s.status, s.received_at, s.reconciled_at
        """;

    public async Task<IReadOnlyList<SettlementSummaryView>> ListAsync(string? channel, string? status, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {SummaryColumns} FROM settlements s
            WHERE (@channel::text IS NULL OR s.channel = @channel) AND (@status::text IS NULL OR s.status = @status)
            ORDER BY s.received_at DESC, s.settlement_id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("channel", (object?)channel ?? DBNull.Value);
        command.Parameters.AddWithValue("status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<SettlementSummaryView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadSummary(reader));
        }

        return list;
    }

    public async Task<SettlementDetailView?> GetAsync(Guid settlementId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        SettlementSummaryView summary;
        await using (var command = new NpgsqlCommand($"SELECT {SummaryColumns} FROM settlements s WHERE s.settlement_id = @id", connection))
        {
            command.Parameters.AddWithValue("id", settlementId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            summary = ReadSummary(reader);
        }

        var results = new List<ReconciliationResultView>();
        await using (var command = new NpgsqlCommand("""
            SELECT order_reference, result, expected, actual, reason, line_numbers FROM reconciliation_results WHERE settlement_id = @id ORDER BY result_number
            """, connection))
        {
            command.Parameters.AddWithValue("id", settlementId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(new ReconciliationResultView(reader.GetString(0), reader.GetString(1), Money(reader, 2), Money(reader, 3), reader.GetString(4), reader.GetFieldValue<int[]>(5)));
            }
        }

        var journals = new List<JournalView>();
        await using (var command = new NpgsqlCommand("""
            SELECT document_number, status, erp_entry_id, reject_code, reject_reason, entry::text FROM settlement_journals WHERE settlement_id = @id ORDER BY document_number
            """, connection))
        {
            command.Parameters.AddWithValue("id", settlementId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                journals.Add(new JournalView(reader.GetString(0), reader.GetString(1), Text(reader, 2), Text(reader, 3), Text(reader, 4),
                    JsonDocument.Parse(reader.GetString(5)).RootElement.Clone()));
            }
        }

        var lines = new List<SettlementLineView>();
        await using (var command = new NpgsqlCommand("""
            SELECT line_number, order_reference, transaction_type, amount_type, amount_description, amount, sku, quantity, posted_at, kind
            FROM settlement_lines WHERE settlement_id = @id ORDER BY line_number LIMIT @limit
            """, connection))
        {
            command.Parameters.AddWithValue("id", settlementId);
            command.Parameters.AddWithValue("limit", MaxLinesShown);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new SettlementLineView(reader.GetInt32(0), Text(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    SettlementValues.Format(reader.GetDecimal(5)), Text(reader, 6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.GetString(9)));
            }
        }

        return new SettlementDetailView(summary, results, journals, lines, summary.LineCount > lines.Count);
    }

    public async Task<IReadOnlyList<MismatchView>> MismatchesAsync(string? channel, string? result, bool open, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT s.settlement_id, s.channel, s.external_id, s.status, r.order_reference, r.result, r.expected, r.actual, r.reason, r.line_numbers, s.reconciled_at
            FROM reconciliation_results r JOIN settlements s ON s.settlement_id = r.settlement_id
            WHERE r.result <> 'matched' AND (@channel::text IS NULL OR s.channel = @channel) AND (@result::text IS NULL OR r.result = @result)
              AND (NOT @open OR s.status = 'mismatch')
            ORDER BY s.reconciled_at DESC, s.settlement_id, r.result_number LIMIT @limit
            """);
        command.Parameters.AddWithValue("channel", (object?)channel ?? DBNull.Value);
        command.Parameters.AddWithValue("result", (object?)result ?? DBNull.Value);
        command.Parameters.AddWithValue("open", open);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MismatchView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MismatchView(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                Money(reader, 6), Money(reader, 7), reader.GetString(8), reader.GetFieldValue<int[]>(9), reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return list;
    }

    public async Task<IReadOnlyList<RejectedReportView>> RejectedAsync(string? code, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT report_id, channel, partner_id, code, errors::text, body_bytes, truncated, received_at FROM rejected_reports
            WHERE (@code::text IS NULL OR code = @code) ORDER BY received_at DESC, report_id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("code", (object?)code ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<RejectedReportView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadRejected(reader, null));
        }

        return list;
    }

    public async Task<RejectedReportView?> RejectedAsync(Guid reportId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT report_id, channel, partner_id, code, errors::text, body_bytes, truncated, received_at, body FROM rejected_reports WHERE report_id = @id
            """);
        command.Parameters.AddWithValue("id", reportId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? ReadRejected(reader, Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(8)))
            : null;
    }

    private static RejectedReportView ReadRejected(NpgsqlDataReader reader, string? body) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), JsonDocument.Parse(reader.GetString(4)).RootElement.Clone(),
            reader.GetInt64(5), reader.GetBoolean(6), reader.GetFieldValue<DateTimeOffset>(7), body);

    private static SettlementSummaryView ReadSummary(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
            reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7),
            SettlementValues.Format(reader.GetDecimal(8)), SettlementValues.Format(reader.GetDecimal(9)), reader.GetBoolean(10), reader.GetInt32(11),
            reader.GetString(12), reader.GetFieldValue<DateTimeOffset>(13), reader.GetFieldValue<DateTimeOffset>(14));

    private static string? Money(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : SettlementValues.Format(reader.GetDecimal(ordinal));

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
