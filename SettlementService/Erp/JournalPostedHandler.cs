using Distribution.Aspire.Contracts.Events.Erp;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.SettlementService.Domain;
using Npgsql;

namespace Distribution.Aspire.SettlementService.Erp;

/// <summary>
/// erp.journal_posted: the journal is posted; once every journal of the settlement is, the settlement is. A repeated
/// event changes nothing; one for a journal this service never built is ignored (and counted).
/// </summary>
public sealed class JournalPostedHandler(SettlementTelemetry telemetry, ILogger<JournalPostedHandler> logger) : IEventHandler<JournalPosted>
{
    public async Task HandleAsync(JournalPosted @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("journal_posted");
        activity?.SetTag("settlement.id", @event.SettlementId);
        activity?.SetTag("settlement.document_number", @event.DocumentNumber);
        await using var command = new NpgsqlCommand("""
            WITH journal AS (
                UPDATE settlement_journals SET status = 'posted', erp_entry_id = @erp, reject_code = NULL, reject_reason = NULL, changed_at = now()
                WHERE document_number = @number AND settlement_id = @id AND status <> 'posted'
                RETURNING settlement_id)
            UPDATE settlements s SET status = 'posted', updated_at = now()
            FROM journal
            WHERE s.settlement_id = journal.settlement_id AND s.status IN ('reconciled', 'posting_rejected')
              AND NOT EXISTS (SELECT 1 FROM settlement_journals j WHERE j.settlement_id = s.settlement_id AND j.document_number <> @number AND j.status <> 'posted')
            RETURNING s.channel
            """, context.Connection, context.Transaction);
        command.Parameters.AddWithValue("erp", @event.ErpEntryId);
        command.Parameters.AddWithValue("number", @event.DocumentNumber);
        command.Parameters.AddWithValue("id", @event.SettlementId);
        var channel = await command.ExecuteScalarAsync(cancellationToken) as string;
        if (channel is not null)
        {
            SettlementTelemetry.Count(telemetry.Journals, channel, "outcome", "posted");
            logger.LogInformation("Settlement {SettlementId} posted to the ERP (journal {DocumentNumber}, ERP entry {ErpEntryId})",
                @event.SettlementId, @event.DocumentNumber, @event.ErpEntryId);
            return;
        }

        var known = await JournalStatusAsync(context, @event.SettlementId, @event.DocumentNumber, cancellationToken);
        if (known is null)
        {
            telemetry.CountIgnored("erp.journal_posted", "unknown_journal");
            logger.LogWarning("ERP posted journal {DocumentNumber} of settlement {SettlementId}, which this service did not build", @event.DocumentNumber, @event.SettlementId);
        }
    }

    /// <summary>The journal's status, or null when the settlement has no such journal.</summary>
    public static async Task<string?> JournalStatusAsync(EventContext context, Guid settlementId, string documentNumber, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT status FROM settlement_journals WHERE document_number = @number AND settlement_id = @id", context.Connection, context.Transaction);
        command.Parameters.AddWithValue("number", documentNumber);
        command.Parameters.AddWithValue("id", settlementId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
