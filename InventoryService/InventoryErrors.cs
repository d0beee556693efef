namespace Distribution.Aspire.InventoryService;

/// <summary>Stable codes of the inventory's refusals, carried as <c>code</c> in problem details and in the <c>error-code</c> gRPC trailer.</summary>
public static class InventoryErrors
{
    public const string UnknownSku = "unknown_sku";
    public const string UnknownLocation = "unknown_location";
    public const string UnknownOrder = "unknown_order";
    public const string InvalidSku = "invalid_sku";
    public const string InvalidLocation = "invalid_location";
    public const string InvalidLocationKind = "invalid_location_kind";
    public const string InvalidOrderId = "invalid_order_id";
    public const string InvalidChannel = "invalid_channel";
    public const string InvalidLineId = "invalid_line_id";
    public const string InvalidQuantity = "invalid_quantity";
    public const string DuplicateLineId = "duplicate_line_id";
    public const string NoLines = "no_lines";
    public const string TooManyLines = "too_many_lines";
    public const string MissingReason = "missing_reason";
    public const string MissingShipmentId = "missing_shipment_id";
    public const string MissingCountedAt = "missing_counted_at";
    public const string InvalidAdjustment = "invalid_adjustment";
    public const string NegativeOnHand = "negative_on_hand";
    public const string InvalidAllocation = "invalid_allocation";
    public const string OrderCancelled = "order_cancelled";
    public const string ShipmentIdReused = "shipment_id_reused";
    public const string CommitExceedsReservation = "commit_exceeds_reservation";
    public const string InvalidItem = "invalid_item";
    public const string TooManyItems = "too_many_items";
}

public enum InventoryErrorKind
{
    Invalid,
    NotFound,
    Conflict,
    Unprocessable,
}

/// <summary>A request the inventory refuses; thrown inside the transaction, so nothing it began is stored.</summary>
public sealed class InventoryException(string code, string message, InventoryErrorKind kind = InventoryErrorKind.Invalid) : Exception(message)
{
    public string Code { get; } = code;

    public InventoryErrorKind Kind { get; } = kind;
}
