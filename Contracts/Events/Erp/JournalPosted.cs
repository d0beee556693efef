namespace Distribution.Aspire.Contracts.Events.Erp;

/// <summary>The ERP accepted a journal entry. <see cref="ErpEntryId"/> is the ERP's own id for it.</summary>
[IntegrationEvent("distribution.erp.journal_posted.v1", Topic)]
public sealed record JournalPosted(
    Guid SettlementId,
    string DocumentNumber,
    string ErpEntryId,
    DateTimeOffset PostedAt) : IIntegrationEvent
{
    public const string Topic = "erp";

    public string PartitionKey => SettlementId.ToString();
}
