namespace Distribution.Aspire.Adapters.Erp.Exceptions;

/// <summary>An exception as operators see it; <see cref="Payload"/> only when one is inspected.</summary>
public sealed record ErpException(
    long Id,
    string Kind,
    string DocumentNumber,
    string SourceReference,
    string Code,
    string Reason,
    int? ErpStatus,
    bool Retryable,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    string? Payload);
