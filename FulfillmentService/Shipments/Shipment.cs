using Distribution.Aspire.FulfillmentService.Domain;

namespace Distribution.Aspire.FulfillmentService.Shipments;

/// <summary>A shipment as callers see it: what the node was asked to ship, what left in which packages, and its history.</summary>
public sealed record Shipment(
    Guid ShipmentId,
    Guid OrderId,
    string LocationId,
    string NodeKind,
    string? NodePartnerId,
    string Channel,
    IReadOnlyList<ShipmentLine> Lines,
    IReadOnlyList<ShipmentPackage> Packages,
    Milestone Milestone,
    IReadOnlyList<MilestoneEntry> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record ShipmentLine(string LineId, string Sku, int Quantity, int ShippedQuantity);

public sealed record ShipmentPackage(string Carrier, string TrackingNumber, IReadOnlyList<PackageLine> Lines);

public sealed record PackageLine(string LineId, string Sku, int Quantity);

public sealed record MilestoneEntry(Milestone Milestone, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string Source, string? Detail, bool Applied);
