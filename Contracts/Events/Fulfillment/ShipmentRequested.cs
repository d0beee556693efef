namespace Distribution.Aspire.Contracts.Events.Fulfillment;

/// <summary>
/// A node is asked to ship part of an order. Carries the ship-to because the node's adapter must
/// send it to the 3PL (events are not logged; adapters must not log the address either).
/// </summary>
[IntegrationEvent("distribution.fulfillment.shipment_requested.v1", Topic)]
public sealed record ShipmentRequested(
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    string ChannelOrderId,
    string LocationId,
    string NodeKind,
    string? NodePartnerId,
    ShipmentAddress ShipTo,
    IReadOnlyList<ShipmentLineItem> Lines,
    int Priority,
    DateTimeOffset? ShipBy,
    DateTimeOffset RequestedAt) : IIntegrationEvent
{
    public const string Topic = "fulfillment";

    public string PartitionKey => OrderId.ToString();
}
