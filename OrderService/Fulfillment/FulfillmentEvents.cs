using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;

namespace Distribution.Aspire.OrderService.Fulfillment;

internal static class FulfillmentEvents
{
    /// <summary>
    /// A fulfillment event the order's status does not allow: acknowledged (a refusal will not change on
    /// retry, so it never goes to the dead letters), counted and logged. Fulfillment keeps its own exception
    /// for the cases that need a person (goods that left for a cancelled order).
    /// </summary>
    public static void Ignore(OrderTelemetry telemetry, ILogger logger, string eventName, Guid orderId, OrderHead? head, string? code = null)
    {
        var status = head?.Status.ToWire() ?? "unknown_order";
        telemetry.IgnoredFulfillmentEvents.Add(1, new("event", eventName), new("status", status));
        logger.LogWarning("{Event} for order {OrderId} ignored: the order is {Status}{Code}", eventName, orderId, status, code is null ? string.Empty : $" ({code})");
    }
}
