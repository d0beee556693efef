namespace Distribution.Aspire.Contracts.Events.Fulfillment;

[IntegrationEvent("distribution.fulfillment.shipment_delivered.v1", ShipmentRequested.Topic)]
public sealed record ShipmentDelivered(
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    DateTimeOffset DeliveredAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
