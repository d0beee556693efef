namespace Distribution.Aspire.Contracts.Events.Fulfillment;

[IntegrationEvent("distribution.fulfillment.exception_raised.v1", ShipmentRequested.Topic)]
public sealed record FulfillmentExceptionRaised(
    Guid ExceptionId,
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    string Kind,
    int Rank,
    DateTimeOffset RaisedAt,
    DateTimeOffset DueAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
