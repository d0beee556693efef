using Distribution.Aspire.FulfillmentService.Domain;

namespace Distribution.Aspire.FulfillmentService.Shipments;

/// <summary>What a step needs of a locked shipment row: where it ships from, how far it got, and the order facts that rank its exceptions.</summary>
public sealed record ShipmentHead(
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    string LocationId,
    string NodeKind,
    string? NodePartnerId,
    Milestone Progress,
    bool Cancelled,
    int Priority,
    decimal OrderTotal,
    DateTimeOffset OrderCreatedAt);
