using Distribution.Aspire.Contracts.Events.Fulfillment;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

public static class Shipments
{
    public static ShipmentRequested Requested(string partnerId = ThreePLHost.X12Partner, string nodeKind = "3pl", params (string LineId, string Sku, int Quantity)[] lines) =>
        new(
            Guid.NewGuid(),
            Guid.NewGuid(),
            "b2b",
            "PO-" + Random.Shared.Next(1000, 9999),
            ThreePLHost.Location,
            nodeKind,
            partnerId,
            new ShipmentAddress("Jane * Doe", "1 Main St~", "Apt 4", "Springfield", "IL", "62701", "US"),
            lines.Length == 0 ? [new ShipmentLineItem("1", "SKU-1", 2), new ShipmentLineItem("2", "SKU-2", 1)] : [.. lines.Select(l => new ShipmentLineItem(l.LineId, l.Sku, l.Quantity))],
            5,
            new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            DateTimeOffset.UtcNow);

    public static ShipmentCancelled Cancelled(ShipmentRequested request) =>
        new(request.ShipmentId, request.OrderId, request.LocationId, request.NodePartnerId, "customer_cancelled", DateTimeOffset.UtcNow);
}
