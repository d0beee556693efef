namespace Distribution.Aspire.Contracts.Events.Settlements;

/// <summary>
/// A settlement did not reconcile: the listed orders (or the header total) disagree with what the platform
/// knows. Nothing is posted to the ERP until an operator resolves it.
/// </summary>
[IntegrationEvent("distribution.settlement.mismatch_detected.v1", SettlementReconciled.Topic)]
public sealed record SettlementMismatchDetected(
    Guid SettlementId,
    string Channel,
    string PartnerId,
    string ExternalSettlementId,
    string Currency,
    bool HeaderTotalMismatch,
    IReadOnlyList<SettlementMismatch> Mismatches,
    DateTimeOffset DetectedAt) : IIntegrationEvent
{
    public string PartitionKey => SettlementId.ToString();
}
