using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;

namespace Distribution.Aspire.OrderService.Reservations;

internal static class ReservationEvents
{
    /// <summary>A late or repeated inventory event: acknowledged (never retried or dead-lettered), counted, logged.</summary>
    public static void Ignore(OrderTelemetry telemetry, ILogger logger, string eventName, Guid orderId, OrderHead? head)
    {
        var status = head?.Status.ToWire() ?? "unknown_order";
        telemetry.IgnoredEvents.Add(1, new("event", eventName), new("status", status));
        logger.LogInformation("{Event} for order {OrderId} ignored: the order is {Status}", eventName, orderId, status);
    }
}
