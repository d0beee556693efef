namespace Distribution.Aspire.SettlementService.Domain;

public enum RejectionKind
{
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>A request refused with a stable code; <see cref="Errors"/> lists what is wrong with a report, line by line.</summary>
public sealed class SettlementRejectedException(RejectionKind kind, string code, string message, IReadOnlyList<ReportError>? errors = null)
    : Exception(message)
{
    public RejectionKind Kind { get; } = kind;

    public string Code { get; } = code;

    public IReadOnlyList<ReportError> Errors { get; } = errors ?? [];
}
