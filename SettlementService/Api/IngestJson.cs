using Distribution.Aspire.SettlementService.Ingest;

namespace Distribution.Aspire.SettlementService.Api;

/// <summary>The answer to a settlement upload: the stored settlement and how it reconciled (counts per result).</summary>
public sealed record IngestJson(
    Guid SettlementId,
    string Channel,
    string ExternalSettlementId,
    string Outcome,
    string Status,
    bool HeaderTotalMismatch,
    int LineCount,
    IReadOnlyDictionary<string, int> Results,
    string? DocumentNumber)
{
    public static IngestJson From(IngestResult result) =>
        new(result.SettlementId, result.Channel, result.ExternalId, result.Duplicate ? "duplicate" : "created", result.Status,
            result.HeaderTotalMismatch, result.LineCount, result.Results, result.DocumentNumber);
}
