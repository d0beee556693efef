using System.Text.Json.Serialization;

namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>A posted journal entry (deep-inserted with its lines), as the ERP answers it.</summary>
public sealed record JournalEntryDocument(
    Guid Id,
    string Number,
    Guid JournalId,
    string ExternalDocumentNumber,
    DateOnly PostingDate,
    string CurrencyCode,
    string Description,
    IReadOnlyList<JournalLineDocument> JournalLines,
    DateTimeOffset PostedDateTime);

public sealed record JournalLineDocument(int LineNumber, string AccountNumber, decimal Amount, string Description, string? Comment);

/// <summary>A posted sales shipment or sales return receipt: the same shape, lines named per BC entity.</summary>
public sealed record SalesDocument(
    Guid Id,
    string Number,
    string ExternalDocumentNumber,
    string CustomerNumber,
    string? YourReference,
    DateOnly DocumentDate,
    string? LocationCode,
    string? ShippingAgentCode,
    string? PackageTrackingNumber,
    IReadOnlyList<SalesLineDocument> Lines,
    DateTimeOffset PostedDateTime);

public sealed record SalesLineDocument(int LineNumber, string ItemNumber, decimal Quantity, string? Description, string? ReturnReasonCode);

public sealed record ItemDocument(
    Guid Id,
    string Number,
    string DisplayName,
    string Type,
    bool Blocked,
    string BaseUnitOfMeasureCode,
    decimal UnitPrice,
    DateTimeOffset LastModifiedDateTime);

public sealed record AccountDocument(Guid Id, string Number, string DisplayName, bool Blocked);

// Request bodies: everything optional, so missing fields get the ERP's own validation message instead of a binder error.
public sealed record JournalEntryRequest(
    string? ExternalDocumentNumber,
    string? PostingDate,
    string? CurrencyCode,
    string? Description,
    IReadOnlyList<JournalLineRequest>? JournalLines);

public sealed record JournalLineRequest(int? LineNumber, string? AccountNumber, decimal? Amount, string? Description, string? Comment);

public sealed record SalesDocumentRequest(
    string? ExternalDocumentNumber,
    string? CustomerNumber,
    string? YourReference,
    string? ShipmentDate,
    string? ReceiptDate,
    string? LocationCode,
    string? ShippingAgentCode,
    string? PackageTrackingNumber,
    IReadOnlyList<SalesLineRequest>? SalesShipmentLines,
    IReadOnlyList<SalesLineRequest>? SalesReturnReceiptLines);

public sealed record SalesLineRequest(int? LineNumber, string? ItemNumber, decimal? Quantity, string? Description, string? ReturnReasonCode);

public sealed record ItemUpdate(string Number, string? DisplayName, bool? Blocked, string? BaseUnitOfMeasureCode, decimal? UnitPrice);

public sealed record AccountUpdate(string Number, string? DisplayName, bool? Blocked);

/// <summary>The OData error body BC answers with: <c>{"error":{"code","message"}}</c> (+ the existing entry on a duplicate).</summary>
public sealed record ErpErrorBody(ErpError Error);

public sealed record ErpError(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ErpExistingEntry? Innererror = null);

public sealed record ErpExistingEntry(Guid ExistingId, string ExistingNumber);
