using Distribution.Aspire.FulfillmentService.Domain;

namespace Distribution.Aspire.FulfillmentService.Shipments;

/// <summary>A milestone a partner reported, already mapped to the canonical one by its adapter.</summary>
public sealed record MilestoneReport(
    Guid ShipmentId, Milestone? Milestone, DateTimeOffset? OccurredAt, string? Source, string? Detail, ExceptionKind? ExceptionKind, string? PartnerEventId);

/// <summary>Goods that left a node: lines, and packages with carrier and tracking.</summary>
public sealed record DispatchReport(
    Guid ShipmentId, string? DispatchId, IReadOnlyList<DispatchLineInput> Lines, IReadOnlyList<PackageInput> Packages, DateTimeOffset? OccurredAt, string? Source);

public sealed record DispatchLineInput(string? LineId, string? Sku, int Quantity);

public sealed record PackageInput(string? Carrier, string? TrackingNumber, IReadOnlyList<DispatchLineInput> Lines);
