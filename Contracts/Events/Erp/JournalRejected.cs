namespace Distribution.Aspire.Contracts.Events.Erp;

/// <summary>
/// The ERP refused a journal entry for a reason a retry cannot fix (unbalanced, unknown account, ...).
/// <see cref="Reason"/> is the ERP's own message, kept for the operator.
/// </summary>
[IntegrationEvent("distribution.erp.journal_rejected.v1", JournalPosted.Topic)]
public sealed record JournalRejected(
    Guid SettlementId,
    string DocumentNumber,
    string Code,
    string Reason,
    DateTimeOffset RejectedAt) : IIntegrationEvent
{
    public string PartitionKey => SettlementId.ToString();
}
