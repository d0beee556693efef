namespace Distribution.Aspire.Contracts.Events.Settlements;

/// <summary>
/// A settlement matched what the platform knows within tolerance and its postings are ready for the ERP.
/// <see cref="Journals"/> are balanced per currency; the ERP adapter posts each once by document number.
/// </summary>
[IntegrationEvent("distribution.settlement.reconciled.v1", Topic)]
public sealed record SettlementReconciled(
    Guid SettlementId,
    string Channel,
    string PartnerId,
    string ExternalSettlementId,
    string Currency,
    string TotalAmount,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    IReadOnlyList<JournalEntry> Journals,
    DateTimeOffset ReconciledAt) : IIntegrationEvent
{
    public const string Topic = "settlements";

    public string PartitionKey => SettlementId.ToString();
}
