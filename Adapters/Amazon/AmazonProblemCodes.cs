namespace Distribution.Aspire.Adapters.Amazon;

/// <summary>Stable codes of this adapter's refusals and operator exceptions.</summary>
public static class AmazonProblemCodes
{
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedNotificationType = "unsupported_notification_type";
    public const string InvalidNotification = "invalid_notification";
    public const string PayloadTooLarge = "payload_too_large";
    public const string MissingField = "missing_field";
    public const string InvalidAmount = "invalid_amount";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string OrderNotFound = "order_not_found";
    public const string OrderRejected = "order_rejected";
    public const string CancelRefused = "cancel_refused";
    public const string ListingRejected = "listing_rejected";
    public const string FeedRejected = "feed_rejected";
    public const string FeedSchemaFailed = "feed_schema_failed";
    public const string ShipmentRejected = "shipment_rejected";
    public const string UnknownOrder = "unknown_order";
}
