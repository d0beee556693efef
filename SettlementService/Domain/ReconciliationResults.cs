namespace Distribution.Aspire.SettlementService.Domain;

/// <summary>Per-order results, as stored and as in <c>SettlementMismatch.Result</c>.</summary>
public static class ReconciliationResults
{
    public const string Matched = "matched";
    public const string AmountMismatch = "amount_mismatch";
    public const string MissingOrder = "missing_order";
    public const string UnexpectedCharge = "unexpected_charge";
    public const string Duplicate = "duplicate";
    public const string UnmappedPosting = "unmapped_posting";

    public static readonly IReadOnlyList<string> All = [Matched, AmountMismatch, MissingOrder, UnexpectedCharge, Duplicate, UnmappedPosting];
}
