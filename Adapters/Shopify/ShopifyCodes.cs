namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>
/// Stable codes of the adapter: in problem details (<c>code</c>) for requests it refuses, and on the
/// exceptions list for payloads it stored but could not take. A published code never changes meaning.
/// </summary>
public static class ShopifyCodes
{
    // Refused at the door (problem details), and kept on the exceptions list with stage "intake".
    public const string MalformedJson = "malformed_json";
    public const string MissingTopic = "missing_topic";
    public const string UnknownTopic = "unknown_topic";
    public const string MissingDeliveryId = "missing_delivery_id";
    public const string MissingShopDomain = "missing_shop_domain";
    public const string PartnerMissing = "partner_missing";
    public const string PayloadTooLarge = "payload_too_large";

    // Stored, but not mappable to the canonical model (stage "mapping").
    public const string SchemaViolation = "schema_violation";
    public const string SkuMissing = "sku_missing";
    public const string UnknownSku = "unknown_sku";
    public const string InvalidQuantity = "invalid_quantity";
    public const string InvalidPrice = "invalid_price";
    public const string InvalidDiscount = "invalid_discount";
    public const string InvalidTax = "invalid_tax";
    public const string InvalidCurrency = "invalid_currency";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string DuplicateLineId = "duplicate_line_id";
    public const string NoShippableLines = "no_shippable_lines";
    public const string AddressMissing = "address_missing";
    public const string InvalidMoney = "invalid_money";
    public const string ProcessingFailed = "processing_failed";

    // The order service refused a submission or cancellation (stage "order_service"); its own code is kept when it sends one.
    public const string OrderRejected = "order_rejected";
    public const string CancelRefused = "cancel_refused";

    // Shopify refused an outbound call for good (stage "outbound").
    public const string ShopifyRejected = "shopify_rejected";
    public const string OrderUnknown = "order_unknown";
}
