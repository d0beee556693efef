using Distribution.Aspire.SettlementService.Queries;

namespace Distribution.Aspire.SettlementService.Api;

public sealed record SettlementListJson(IReadOnlyList<SettlementSummaryView> Settlements);

public sealed record MismatchListJson(IReadOnlyList<MismatchView> Mismatches);

public sealed record RejectedListJson(IReadOnlyList<RejectedReportView> Reports);
