namespace Distribution.Aspire.OrderService.Lifecycle;

/// <summary>A shipment fulfillment reports for an order; recorded once per shipment id.</summary>
public sealed record ShipmentReport(Guid OrderId, string? ShipmentId, IReadOnlyList<ShippedLineInput>? Lines, string? Carrier, string? TrackingNumber);

public sealed record ShippedLineInput(string? LineId, int Quantity);
