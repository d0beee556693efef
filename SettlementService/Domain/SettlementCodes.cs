namespace Distribution.Aspire.SettlementService.Domain;

/// <summary>Stable error codes of the settlement service (the <c>code</c> member of problem details, the gRPC <c>error-code</c> trailer).</summary>
public static class SettlementCodes
{
    public const string InvalidSettlementReport = "invalid_settlement_report";
    public const string InvalidSettlement = "invalid_settlement";
    public const string SettlementConflict = "settlement_conflict";
    public const string ChannelNotAllowed = "channel_not_allowed";
    public const string SettlementNotFound = "settlement_not_found";
    public const string RejectedReportNotFound = "rejected_report_not_found";
    public const string NotReconcilable = "not_reconcilable";
    public const string InvalidFilter = "invalid_filter";
}
