namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>
/// Stable error codes of the fulfillment service: <c>code</c> in problem details, the <c>error-code</c>
/// trailer on gRPC. Adapters branch on them (a 997 rejection, a quarantined webhook), so a published code
/// never changes meaning.
/// </summary>
public static class FulfillmentCodes
{
    public const string MalformedJson = "malformed_json";
    public const string FieldTooLong = "field_too_long";
    public const string InvalidText = "invalid_text";
    public const string InvalidMilestone = "invalid_milestone";
    public const string ExceptionKindRequired = "exception_kind_required";
    public const string InvalidOccurredAt = "invalid_occurred_at";
    public const string InvalidReceivedAt = "invalid_received_at";
    public const string DispatchIdRequired = "dispatch_id_required";
    public const string LinesRequired = "lines_required";
    public const string UnknownLine = "unknown_line";
    public const string DuplicateLineId = "duplicate_line_id";
    public const string InvalidQuantity = "invalid_quantity";
    public const string SkuMismatch = "sku_mismatch";
    public const string QuantityExceedsRequested = "quantity_exceeds_requested";
    public const string PackageIncomplete = "package_incomplete";
    public const string InvalidPackage = "invalid_package";
    public const string ReferenceRequired = "reference_required";
    public const string QuantityExceedsShipped = "quantity_exceeds_shipped";
    public const string QuantityExceedsAuthorized = "quantity_exceeds_authorized";
    public const string InvalidDisposition = "invalid_disposition";
    public const string LocationRequired = "location_required";
    public const string ResolutionRequired = "resolution_required";
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidPageToken = "invalid_page_token";

    public const string ShipmentNotFound = "shipment_not_found";
    public const string OrderNotFound = "order_not_found";
    public const string ExceptionNotFound = "exception_not_found";
    public const string ReturnNotFound = "return_not_found";

    public const string ShipmentCancelled = "shipment_cancelled";

    public const string OrdersUnavailable = "orders_unavailable";
}
