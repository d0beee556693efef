namespace Distribution.Aspire.SettlementService.Domain;

public static class SettlementStatuses
{
    /// <summary>Everything matched; journals are waiting for the ERP.</summary>
    public const string Reconciled = "reconciled";

    /// <summary>Something did not match (or could not be posted): nothing goes to the ERP until it is reconciled again.</summary>
    public const string Mismatch = "mismatch";

    /// <summary>The ERP accepted every journal.</summary>
    public const string Posted = "posted";

    /// <summary>The ERP refused a journal.</summary>
    public const string PostingRejected = "posting_rejected";

    public static readonly IReadOnlyList<string> All = [Reconciled, Mismatch, Posted, PostingRejected];
}
