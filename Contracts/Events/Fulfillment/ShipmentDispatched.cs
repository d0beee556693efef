namespace Distribution.Aspire.Contracts.Events.Fulfillment;

/// <summary>Goods left a node. <see cref="DispatchId"/> is unique per dispatch: consumers record each once.</summary>
[IntegrationEvent("distribution.fulfillment.shipment_dispatched.v1", ShipmentRequested.Topic)]
public sealed record ShipmentDispatched(
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    string LocationId,
    string DispatchId,
    IReadOnlyList<ShipmentLineItem> Lines,
    IReadOnlyList<ShippedPackage> Packages,
    DateTimeOffset DispatchedAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
