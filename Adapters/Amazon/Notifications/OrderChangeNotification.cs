using System.Text.Json;

namespace Distribution.Aspire.Adapters.Amazon.Notifications;

/// <summary>
/// What the adapter needs of an SP-API <c>ORDER_CHANGE</c> notification, read from the bare notification or
/// from an EventBridge event whose <c>detail</c> holds it. The order itself is always fetched afresh, so
/// notifications arriving twice or out of order cannot make us act on stale data.
/// </summary>
public sealed record OrderChangeNotification(string NotificationId, string AmazonOrderId, string? OrderStatus, bool FromEventBridge)
{
    public const string OrderChangeType = "ORDER_CHANGE";

    public static NotificationReadResult Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return NotificationReadResult.Invalid(AmazonProblemCodes.InvalidNotification, "The body must be a JSON object.");
        }

        var fromEventBridge = root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object
            && (root.TryGetProperty("detail-type", out _) || root.TryGetProperty("source", out _));
        var notification = fromEventBridge ? detail : root;

        if (String(notification, "NotificationType") is not { } type)
        {
            return NotificationReadResult.Invalid(AmazonProblemCodes.InvalidNotification, "NotificationType is missing.");
        }

        if (!string.Equals(type, OrderChangeType, StringComparison.Ordinal))
        {
            return NotificationReadResult.Invalid(
                AmazonProblemCodes.UnsupportedNotificationType, $"Notification type \"{Clip(type)}\" is not handled here; only {OrderChangeType} is.");
        }

        var notificationId = notification.TryGetProperty("NotificationMetadata", out var metadata) ? String(metadata, "NotificationId") : null;
        if (notificationId is null || notificationId.Length > 200)
        {
            return NotificationReadResult.Invalid(AmazonProblemCodes.InvalidNotification, "NotificationMetadata.NotificationId is missing.");
        }

        if (!notification.TryGetProperty("Payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("OrderChangeNotification", out var change) || change.ValueKind != JsonValueKind.Object)
        {
            return NotificationReadResult.Invalid(AmazonProblemCodes.InvalidNotification, "Payload.OrderChangeNotification is missing.");
        }

        if (String(change, "AmazonOrderId") is not { Length: <= 64 } orderId)
        {
            return NotificationReadResult.Invalid(AmazonProblemCodes.InvalidNotification, "Payload.OrderChangeNotification.AmazonOrderId is missing.");
        }

        var status = change.TryGetProperty("Summary", out var summary) ? String(summary, "OrderStatus") : null;
        return NotificationReadResult.Read(new OrderChangeNotification(notificationId, orderId, status, fromEventBridge));
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

public sealed record NotificationReadResult(OrderChangeNotification? Notification, string? Code, string? Error)
{
    public static NotificationReadResult Read(OrderChangeNotification notification) => new(notification, null, null);

    public static NotificationReadResult Invalid(string code, string error) => new(null, code, error);
}
