namespace Distribution.Aspire.Adapters.Amazon.Outbound;

// Orders API v0 confirmShipment request.
public sealed record ConfirmShipmentRequest(string MarketplaceId, PackageDetail PackageDetail);

public sealed record PackageDetail(
    string PackageReferenceId,
    string CarrierCode,
    string? CarrierName,
    string TrackingNumber,
    DateTimeOffset ShipDate,
    IReadOnlyList<ConfirmShipmentOrderItem> OrderItems);

public sealed record ConfirmShipmentOrderItem(string OrderItemId, int Quantity);
