using Distribution.Aspire.Contracts.Events.Erp;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.SettlementService.Domain;
using Npgsql;

namespace Distribution.Aspire.SettlementService.Erp;

/// <summary>
/// erp.journal_rejected: the ERP refused a journal for good; the settlement becomes <c>posting_rejected</c> with the
/// ERP's reason for operators. A journal already posted stays posted; a repeated event changes nothing.
/// </summary>
public sealed class JournalRejectedHandler(SettlementTelemetry telemetry, ILogger<JournalRejectedHandler> logger) : IEventHandler<JournalRejected>
{
    public async Task HandleAsync(JournalRejected @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("journal_rejected");
        activity?.SetTag("settlement.id", @event.SettlementId);
        activity?.SetTag("settlement.document_number", @event.DocumentNumber);
        await using var command = new NpgsqlCommand("""
            WITH journal AS (
                UPDATE settlement_journals SET status = 'rejected', reject_code = @code, reject_reason = @reason, changed_at = now()
                WHERE document_number = @number AND settlement_id = @id AND status = 'pending'
                RETURNING settlement_id)
            UPDATE settlements s SET status = 'posting_rejected', updated_at = now()
            FROM journal
            WHERE s.settlement_id = journal.settlement_id AND s.status = 'reconciled'
            RETURNING s.channel
            """, context.Connection, context.Transaction);
        command.Parameters.AddWithValue("code", Bounded(@event.Code, 100));
        command.Parameters.AddWithValue("reason", Bounded(@event.Reason, 2000));
        command.Parameters.AddWithValue("number", @event.DocumentNumber);
        command.Parameters.AddWithValue("id", @event.SettlementId);
        if (await command.ExecuteScalarAsync(cancellationToken) is string channel)
        {
            SettlementTelemetry.Count(telemetry.Journals, channel, "outcome", "rejected");
            logger.LogWarning("ERP rejected journal {DocumentNumber} of settlement {SettlementId}: {Code}", @event.DocumentNumber, @event.SettlementId, @event.Code);
            return;
        }

        if (await JournalPostedHandler.JournalStatusAsync(context, @event.SettlementId, @event.DocumentNumber, cancellationToken) is null)
        {
            telemetry.CountIgnored("erp.journal_rejected", "unknown_journal");
        }
    }

    private static string Bounded(string text, int length) => text.Length <= length ? text : text[..length];
}
