namespace Distribution.Aspire.Contracts.Events.Fulfillment;

/// <summary>The request is withdrawn (the order was cancelled before the node shipped); the node's adapter tells the partner.</summary>
[IntegrationEvent("distribution.fulfillment.shipment_cancelled.v1", ShipmentRequested.Topic)]
public sealed record ShipmentCancelled(
    Guid ShipmentId,
    Guid OrderId,
    string LocationId,
    string? NodePartnerId,
    string Reason,
    DateTimeOffset CancelledAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
