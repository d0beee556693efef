using System.Text.Json;
using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Contracts.Events.Erp;
using Distribution.Aspire.Contracts.Events.Settlements;
using Distribution.Aspire.Messaging.Consuming;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>
/// A reconciled settlement's journals go into the outbound queue, one posting per journal keyed by its document
/// number, in the inbox transaction: a redelivered event, or another event naming the same journal, queues nothing
/// new. A journal that cannot be mapped (an amount that is not a decimal) is rejected at once with JournalRejected.
/// </summary>
public sealed class SettlementReconciledHandler(PostingQueue queue, ErpTelemetry telemetry, TimeProvider time) : IEventHandler<SettlementReconciled>
{
    public const string UnmappableJournal = "unmappable_journal";

    public async Task HandleAsync(SettlementReconciled @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("posting.enqueue", DocumentKinds.Journal);
        activity?.SetTag("erp.journals", @event.Journals.Count);
        foreach (var journal in @event.Journals)
        {
            ErpJournal document;
            try
            {
                document = DocumentMapper.Journal(journal);
            }
            catch (UnmappableException ex)
            {
                var number = ExternalDocumentNumbers.For(string.IsNullOrWhiteSpace(journal.DocumentNumber) ? $"{@event.SettlementId}:{journal.Description}" : journal.DocumentNumber);
                if (await queue.RejectUnmappableAsync(context.Connection, context.Transaction, DocumentKinds.Journal, number, journal.DocumentNumber,
                    @event.SettlementId, UnmappableJournal, ex.Message, JsonSerializer.Serialize(journal, PostingQueue.Json), cancellationToken))
                {
                    await context.PublishAsync(new JournalRejected(@event.SettlementId, journal.DocumentNumber, UnmappableJournal, ex.Message, time.GetUtcNow()), cancellationToken);
                }

                continue;
            }

            if (await PostingQueue.EnqueueAsync(context.Connection, context.Transaction, document, journal.DocumentNumber, @event.SettlementId, cancellationToken))
            {
                telemetry.Enqueued(DocumentKinds.Journal);
            }
        }
    }
}
