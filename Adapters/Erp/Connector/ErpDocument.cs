using System.Text.Json.Serialization;

namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>
/// A document for the ERP in the adapter's own terms; a connector turns it into its ERP's request. The external
/// document number is what the ERP deduplicates on and what a lookup finds: derived from the event, never generated.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ErpJournal), DocumentKinds.Journal)]
[JsonDerivedType(typeof(ErpShipment), DocumentKinds.SalesShipment)]
[JsonDerivedType(typeof(ErpReturnReceipt), DocumentKinds.ReturnReceipt)]
public abstract record ErpDocument(string ExternalDocumentNumber)
{
    [JsonIgnore]
    public string Kind => this switch
    {
        ErpJournal => DocumentKinds.Journal,
        ErpShipment => DocumentKinds.SalesShipment,
        _ => DocumentKinds.ReturnReceipt,
    };
}

/// <summary>A balanced journal entry: each line's amount is debit positive, credit negative (BC's convention).</summary>
public sealed record ErpJournal(
    string ExternalDocumentNumber,
    DateOnly PostingDate,
    string Currency,
    string Description,
    IReadOnlyList<ErpJournalLine> Lines) : ErpDocument(ExternalDocumentNumber);

public sealed record ErpJournalLine(string Account, decimal Amount, string Description, string? Reference);

public sealed record ErpShipment(
    string ExternalDocumentNumber,
    string CustomerNumber,
    string OrderReference,
    DateOnly ShipmentDate,
    string? Carrier,
    string? TrackingNumber,
    IReadOnlyList<ErpItemLine> Lines) : ErpDocument(ExternalDocumentNumber);

public sealed record ErpReturnReceipt(
    string ExternalDocumentNumber,
    string CustomerNumber,
    string OrderReference,
    DateOnly ReceiptDate,
    string LocationCode,
    IReadOnlyList<ErpItemLine> Lines) : ErpDocument(ExternalDocumentNumber);

/// <summary>An item line: the SKU is the ERP's item number; the reason code is a return's disposition.</summary>
public sealed record ErpItemLine(string ItemNumber, int Quantity, string? Description, string? ReasonCode);
