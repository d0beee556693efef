using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Settlements;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Posting;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>What a reconciliation decided: the settlement's status, the count per result, the journal if any.</summary>
public sealed record ReconciliationSummary(string Status, bool HeaderTotalMismatch, IReadOnlyDictionary<string, int> Results, string? DocumentNumber);

/// <summary>
/// Reconciles a stored settlement and records the outcome in the caller's transaction: results per order, the journal
/// when everything matched and every line has a posting rule, the settlement's status, and the event
/// (<c>settlement.reconciled</c> with the journals, or <c>settlement.mismatch_detected</c>) in the same commit.
/// </summary>
public sealed class SettlementReconciliation(IEventBus bus, IOptions<SettlementOptions> options, SettlementTelemetry telemetry, TimeProvider clock)
{
    public async Task<ReconciliationSummary> RunAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid settlementId, CanonicalSettlement settlement, string[] kinds, CancellationToken cancellationToken)
    {
        var header = settlement.Header;
        var settings = options.Value;
        var rules = settings.For(header.Channel);
        ReconciliationOutcome outcome;
        using (var activity = telemetry.Start("reconcile", header.Channel))
        {
            activity?.SetTag("settlement.id", settlementId);
            activity?.SetTag("settlement.external_id", header.ExternalId);
            var references = settlement.Lines.Select(l => l.OrderReference).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();

            // Two settlements paying one order, reconciled side by side, would each miss the other's uncommitted lines and
            // both match. A channel settles a few times a day, so reconciling its settlements one at a time costs nothing.
            await using (var serialize = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction))
            {
                serialize.Parameters.AddWithValue("key", $"settlement-reconciliation:{header.Channel}");
                await serialize.ExecuteNonQueryAsync(cancellationToken);
            }

            var (orders, prior) = await ReconciliationFacts.LoadAsync(connection, transaction, settlementId, header.Channel, header.PartnerId, references, cancellationToken);
            outcome = Reconciler.Reconcile(settlement, kinds, rules, orders, prior);
            activity?.SetTag("settlement.orders", references.Length);
        }

        PostingOutcome posting;
        using (var activity = telemetry.Start("post", header.Channel))
        {
            posting = JournalBuilder.Build(settlement, settings.Posting, rules);
            activity?.SetTag("settlement.unmapped", posting.Unmapped.Count);
            activity?.SetTag("settlement.document_number", posting.Journal?.DocumentNumber);
        }

        var findings = outcome.Findings.Concat(posting.Unmapped).ToList();
        var clean = !outcome.HeaderTotalMismatch && findings.All(f => f.Result == ReconciliationResults.Matched);
        var status = clean ? (posting.Journal is null ? SettlementStatuses.Posted : SettlementStatuses.Reconciled) : SettlementStatuses.Mismatch;
        var now = clock.GetUtcNow();

        await WriteResultsAsync(connection, transaction, settlementId, findings, cancellationToken);
        if (clean && posting.Journal is { } journal)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO settlement_journals (document_number, settlement_id, currency, posting_date, entry) VALUES (@number, @id, @currency, @date, @entry)
                """, connection, transaction);
            insert.Parameters.AddWithValue("number", journal.DocumentNumber);
            insert.Parameters.AddWithValue("id", settlementId);
            insert.Parameters.AddWithValue("currency", journal.Currency);
            insert.Parameters.AddWithValue("date", journal.PostingDate);
            insert.Parameters.AddWithValue("entry", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(journal, SettlementJson.Options));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            SettlementTelemetry.Count(telemetry.Journals, header.Channel, "outcome", "built");
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE settlements SET status = @status, lines_total = @linesTotal, header_total_mismatch = @headerMismatch, reconciled_at = @now, updated_at = @now
            WHERE settlement_id = @id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("status", status);
            update.Parameters.AddWithValue("linesTotal", outcome.LinesTotal);
            update.Parameters.AddWithValue("headerMismatch", outcome.HeaderTotalMismatch);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", settlementId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        if (clean)
        {
            await bus.PublishAsync(new SettlementReconciled(
                settlementId, header.Channel, header.PartnerId, header.ExternalId, header.Currency, SettlementValues.Format(header.TotalAmount),
                header.PeriodStart, header.PeriodEnd, posting.Journal is { } entry ? [entry] : [], now), transaction, cancellationToken);
        }
        else
        {
            var mismatches = findings.Where(f => f.Result != ReconciliationResults.Matched).Take(settings.MaxMismatchesPerEvent)
                .Select(f => new SettlementMismatch(f.OrderReference, f.Result, Format(f.Expected), Format(f.Actual), f.Reason)).ToList();
            await bus.PublishAsync(new SettlementMismatchDetected(
                settlementId, header.Channel, header.PartnerId, header.ExternalId, header.Currency, outcome.HeaderTotalMismatch, mismatches, now), transaction, cancellationToken);
        }

        var counts = findings.GroupBy(f => f.Result).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var (result, count) in counts)
        {
            SettlementTelemetry.Count(telemetry.Results, header.Channel, "result", result, count);
        }

        SettlementTelemetry.Count(telemetry.Reconciled, header.Channel, "status", clean ? SettlementStatuses.Reconciled : SettlementStatuses.Mismatch);
        return new ReconciliationSummary(status, outcome.HeaderTotalMismatch, counts, clean ? posting.Journal?.DocumentNumber : null);
    }

    private static async Task WriteResultsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid settlementId, List<Finding> findings, CancellationToken cancellationToken)
    {
        await using (var delete = new NpgsqlCommand("DELETE FROM reconciliation_results WHERE settlement_id = @id", connection, transaction))
        {
            delete.Parameters.AddWithValue("id", settlementId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        if (findings.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand("""
            INSERT INTO reconciliation_results (settlement_id, result_number, order_reference, result, expected, actual, reason, line_numbers)
            SELECT @id, t.n, t.ref, t.result, t.expected, t.actual, t.reason, string_to_array(t.lines, ',')::integer[]
            FROM unnest(@numbers, @refs, @results, @expected, @actual, @reasons, @lines) AS t(n, ref, result, expected, actual, reason, lines)
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", settlementId);
        insert.Parameters.AddWithValue("numbers", Enumerable.Range(1, findings.Count).ToArray());
        insert.Parameters.AddWithValue("refs", findings.Select(f => f.OrderReference).ToArray());
        insert.Parameters.AddWithValue("results", findings.Select(f => f.Result).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = findings.Select(f => f.Expected).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter("actual", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = findings.Select(f => f.Actual).ToArray() });
        insert.Parameters.AddWithValue("reasons", findings.Select(f => f.Reason).ToArray());
        insert.Parameters.AddWithValue("lines", findings.Select(f => string.Join(',', f.Lines)).ToArray());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? Format(decimal? amount) => amount is { } value ? SettlementValues.Format(value) : null;
}
