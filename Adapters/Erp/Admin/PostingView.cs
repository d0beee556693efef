namespace Distribution.Aspire.Adapters.Erp.Admin;

/// <summary>A queued, posted or rejected document as operators see it; the payload only when one is inspected.</summary>
public sealed record PostingView(
    string Kind,
    string DocumentNumber,
    string SourceReference,
    Guid? SettlementId,
    string Status,
    int Attempts,
    string? LastError,
    bool MayHavePosted,
    DateTimeOffset NextAttemptAt,
    string? ErpId,
    string? ErpNumber,
    string? RejectionCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PostedAt,
    string? Payload);
