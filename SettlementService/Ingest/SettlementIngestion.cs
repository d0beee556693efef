using Microsoft.Extensions.Options;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Reconciliation;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.SettlementService.Ingest;

/// <summary>What an ingest answered: the settlement (new, or the stored one for a replay) and its reconciliation.</summary>
public sealed record IngestResult(
    Guid SettlementId,
    string Channel,
    string ExternalId,
    string Status,
    bool Duplicate,
    bool HeaderTotalMismatch,
    int LineCount,
    IReadOnlyDictionary<string, int> Results,
    string? DocumentNumber);

/// <summary>
/// Stores a canonical settlement and reconciles it, in one transaction with its event. Idempotent on (channel,
/// settlement id): the same settlement again answers with the stored result and changes nothing; different content
/// under an id already stored is refused (<c>settlement_conflict</c>). Concurrent copies serialize on an advisory lock.
/// </summary>
public sealed class SettlementIngestion(
    NpgsqlDataSource database, SettlementReconciliation reconciliation, IOptions<SettlementOptions> options, SettlementTelemetry telemetry, ILogger<SettlementIngestion> logger)
{
    public async Task<IngestResult> IngestAsync(CanonicalSettlement settlement, byte[]? rawReport, CancellationToken cancellationToken)
    {
        var header = settlement.Header;
        using var activity = telemetry.Start("ingest", header.Channel);
        activity?.SetTag("settlement.external_id", header.ExternalId);
        activity?.SetTag("settlement.lines", settlement.Lines.Count);
        var fingerprint = SettlementFingerprint.Compute(settlement);

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", $"settlement:{header.Channel}:{header.ExternalId}");
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        if (await FindAsync(connection, transaction, header.Channel, header.ExternalId, cancellationToken) is { } existing)
        {
            await transaction.RollbackAsync(cancellationToken);
            if (!existing.Hash.AsSpan().SequenceEqual(fingerprint))
            {
                SettlementTelemetry.Count(telemetry.Ingested, header.Channel, "outcome", "conflict");
                throw new SettlementRejectedException(RejectionKind.Conflict, SettlementCodes.SettlementConflict,
                    $"Settlement {header.ExternalId} is already stored with different content; a settlement is never changed once received.");
            }

            SettlementTelemetry.Count(telemetry.Ingested, header.Channel, "outcome", "duplicate");
            activity?.SetTag("settlement.outcome", "duplicate");
            return existing.Result;
        }

        var settlementId = Guid.CreateVersion7();
        activity?.SetTag("settlement.id", settlementId);
        var kinds = LineClassifier.Classify(options.Value.For(header.Channel), settlement.Lines);
        await InsertAsync(connection, transaction, settlementId, settlement, kinds, fingerprint, rawReport, cancellationToken);
        var summary = await reconciliation.RunAsync(connection, transaction, settlementId, settlement, kinds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        SettlementTelemetry.Count(telemetry.Ingested, header.Channel, "outcome", "created");
        SettlementTelemetry.Count(telemetry.Lines, header.Channel, "source", rawReport is null ? "api" : "report", settlement.Lines.Count);
        activity?.SetTag("settlement.outcome", "created");
        activity?.SetTag("settlement.status", summary.Status);
        logger.LogInformation("Settlement {ExternalId} of {Channel} ({Lines} lines) stored as {SettlementId}: {Status}",
            header.ExternalId, header.Channel, settlement.Lines.Count, settlementId, summary.Status);
        return new IngestResult(settlementId, header.Channel, header.ExternalId, summary.Status, false, summary.HeaderTotalMismatch,
            settlement.Lines.Count, summary.Results, summary.DocumentNumber);
    }

    private static async Task<(byte[] Hash, IngestResult Result)?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string channel, string externalId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT s.settlement_id, s.status, s.header_total_mismatch, s.line_count, s.content_hash,
                   (SELECT document_number FROM settlement_journals j WHERE j.settlement_id = s.settlement_id ORDER BY document_number LIMIT 1),
                   coalesce((SELECT jsonb_object_agg(result, n) FROM (SELECT result, count(*) AS n FROM reconciliation_results r
                             WHERE r.settlement_id = s.settlement_id GROUP BY result) counts), '{}')::text
            FROM settlements s WHERE s.channel = @channel AND s.external_id = @external
            """, connection, transaction);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("external", externalId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var results = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(6)) ?? [];
        return (reader.GetFieldValue<byte[]>(4), new IngestResult(reader.GetGuid(0), channel, externalId, reader.GetString(1), true, reader.GetBoolean(2),
            reader.GetInt32(3), results, reader.IsDBNull(5) ? null : reader.GetString(5)));
    }

    private static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid settlementId, CanonicalSettlement settlement, string[] kinds, byte[] fingerprint, byte[]? raw,
        CancellationToken cancellationToken)
    {
        var header = settlement.Header;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO settlements (settlement_id, channel, partner_id, external_id, period_start, period_end, deposit_date, currency, total_amount,
                                     lines_total, line_count, header_total_mismatch, status, content_hash, raw_report)
            VALUES (@id, @channel, @partner, @external, @start, @end, @deposit, @currency, @total, 0, @count, false, 'mismatch', @hash, @raw)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", settlementId);
            insert.Parameters.AddWithValue("channel", header.Channel);
            insert.Parameters.AddWithValue("partner", header.PartnerId);
            insert.Parameters.AddWithValue("external", header.ExternalId);
            insert.Parameters.AddWithValue("start", header.PeriodStart);
            insert.Parameters.AddWithValue("end", header.PeriodEnd);
            insert.Parameters.AddWithValue("deposit", (object?)header.DepositDate ?? DBNull.Value);
            insert.Parameters.AddWithValue("currency", header.Currency);
            insert.Parameters.AddWithValue("total", header.TotalAmount);
            insert.Parameters.AddWithValue("count", settlement.Lines.Count);
            insert.Parameters.AddWithValue("hash", fingerprint);
            insert.Parameters.Add(new NpgsqlParameter("raw", NpgsqlDbType.Bytea) { Value = (object?)raw ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // COPY runs in the open transaction: a large report is one round trip, and nothing of it is visible before the commit.
        await using var importer = await connection.BeginBinaryImportAsync("""
            COPY settlement_lines (settlement_id, line_number, order_reference, transaction_type, amount_type, amount_description, amount, sku, quantity, posted_at, line_reference, kind)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        for (var i = 0; i < settlement.Lines.Count; i++)
        {
            var line = settlement.Lines[i];
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(settlementId, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(line.LineNumber, NpgsqlDbType.Integer, cancellationToken);
            await WriteOrNullAsync(importer, line.OrderReference, cancellationToken);
            await importer.WriteAsync(line.TransactionType, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(line.AmountType, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(line.AmountDescription, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(line.Amount, NpgsqlDbType.Numeric, cancellationToken);
            await WriteOrNullAsync(importer, line.Sku, cancellationToken);
            if (line.Quantity is { } quantity)
            {
                await importer.WriteAsync(quantity, NpgsqlDbType.Integer, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            if (line.PostedAt is { } posted)
            {
                await importer.WriteAsync(posted, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }

            await WriteOrNullAsync(importer, line.LineReference, cancellationToken);
            await importer.WriteAsync(kinds[i], NpgsqlDbType.Text, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task WriteOrNullAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken);
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }
}
