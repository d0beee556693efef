namespace Distribution.Aspire.OrderService.Lifecycle;

/// <summary>
/// A shipment fulfillment reports for an order; recorded once per shipment id. From fulfillment events the
/// shipment id is the dispatch id and <see cref="FulfillmentShipmentId"/> names the fulfillment shipment it
/// belongs to (delivery is reported per fulfillment shipment).
/// </summary>
public sealed record ShipmentReport(
    Guid OrderId, string? ShipmentId, IReadOnlyList<ShippedLineInput>? Lines, string? Carrier, string? TrackingNumber, Guid? FulfillmentShipmentId = null);

public sealed record ShippedLineInput(string? LineId, int Quantity);
