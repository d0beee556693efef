using System.Text.Json;

namespace Distribution.Aspire.SettlementService.Queries;

public sealed record SettlementSummaryView(
    Guid SettlementId,
    string Channel,
    string PartnerId,
    string ExternalSettlementId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    DateTimeOffset? DepositDate,
    string Currency,
    string TotalAmount,
    string LinesTotal,
    bool HeaderTotalMismatch,
    int LineCount,
    string Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset ReconciledAt);

public sealed record SettlementLineView(
    int LineNumber,
    string? OrderReference,
    string TransactionType,
    string AmountType,
    string AmountDescription,
    string Amount,
    string? Sku,
    int? Quantity,
    DateTimeOffset? PostedAt,
    string Kind);

public sealed record ReconciliationResultView(string OrderReference, string Result, string? Expected, string? Actual, string Reason, IReadOnlyList<int> Lines);

public sealed record JournalView(string DocumentNumber, string Status, string? ErpEntryId, string? RejectCode, string? RejectReason, JsonElement Entry);

public sealed record SettlementDetailView(
    SettlementSummaryView Settlement,
    IReadOnlyList<ReconciliationResultView> Results,
    IReadOnlyList<JournalView> Journals,
    IReadOnlyList<SettlementLineView> Lines,
    bool LinesTruncated);

public sealed record MismatchView(
    Guid SettlementId,
    string Channel,
    string ExternalSettlementId,
    string SettlementStatus,
    string OrderReference,
    string Result,
    string? Expected,
    string? Actual,
    string Reason,
    IReadOnlyList<int> Lines,
    DateTimeOffset ReconciledAt);

public sealed record RejectedReportView(
    Guid ReportId,
    string Channel,
    string PartnerId,
    string Code,
    JsonElement Errors,
    long BodyBytes,
    bool Truncated,
    DateTimeOffset ReceivedAt,
    string? Body);
