namespace Distribution.Aspire.OrderService.Domain;

/// <summary>
/// Stable error codes of the order service, sent as <c>code</c> in problem details and as the
/// <c>error-code</c> trailer on gRPC. Partners branch on them: a published code never changes meaning.
/// </summary>
public static class OrderCodes
{
    public const string MalformedJson = "malformed_json";
    public const string PayloadTooLarge = "payload_too_large";
    public const string ChannelRequired = "channel_required";
    public const string PartnerRequired = "partner_required";
    public const string ChannelOrderIdRequired = "channel_order_id_required";
    public const string FieldTooLong = "field_too_long";
    public const string InvalidCurrency = "invalid_currency";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string AddressIncomplete = "address_incomplete";
    public const string InvalidCountry = "invalid_country";
    public const string LinesRequired = "lines_required";
    public const string TooManyLines = "too_many_lines";
    public const string LineIdRequired = "line_id_required";
    public const string DuplicateLineId = "duplicate_line_id";
    public const string SkuRequired = "sku_required";
    public const string InvalidQuantity = "invalid_quantity";
    public const string InvalidPrice = "invalid_price";
    public const string InvalidDiscount = "invalid_discount";
    public const string InvalidTax = "invalid_tax";
    public const string AmountOutOfRange = "amount_out_of_range";
    public const string InvalidPriority = "invalid_priority";
    public const string InvalidRequestedShipBy = "invalid_requested_ship_by";
    public const string InvalidFulfillmentChannel = "invalid_fulfillment_channel";
    public const string InvalidShipment = "invalid_shipment";
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidPageToken = "invalid_page_token";

    public const string OrderNotFound = "order_not_found";
    public const string IllegalTransition = "illegal_transition";
    public const string OrderNotModifiable = "order_not_modifiable";
    public const string OrderLinesLocked = "order_lines_locked";
}
