namespace Distribution.Aspire.Adapters.Erp.Exceptions;

/// <summary>
/// An exception to record: which document (kind and external document number, plus the id the event used), the
/// ERP's (or inventory's) code and reason, the HTTP status when the ERP answered, whether a retry can help, the payload.
/// </summary>
public sealed record NewException(
    string Kind, string DocumentNumber, string SourceReference, string Code, string Reason, int? ErpStatus, bool Retryable, string? Payload);
