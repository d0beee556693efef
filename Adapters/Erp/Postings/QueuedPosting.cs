namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>A posting claimed for one attempt. <see cref="MayHavePosted"/>: an earlier attempt may have reached the ERP.</summary>
public sealed record QueuedPosting(
    string Kind,
    string DocumentNumber,
    string SourceReference,
    Guid? SettlementId,
    string Payload,
    int Attempts,
    bool MayHavePosted,
    DateTimeOffset CreatedAt);
