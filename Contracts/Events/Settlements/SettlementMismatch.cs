namespace Distribution.Aspire.Contracts.Events.Settlements;

/// <summary>
/// One order's reconciliation result other than matched. <see cref="Result"/> is one of
/// <c>amount_mismatch</c>, <c>missing_order</c>, <c>unexpected_charge</c>, <c>duplicate</c>, <c>unmapped_posting</c>.
/// </summary>
public sealed record SettlementMismatch(
    string OrderReference,
    string Result,
    string? Expected,
    string? Actual,
    string Reason);
