namespace Distribution.Aspire.Contracts.Events.Orders;

[IntegrationEvent("distribution.order.delivered.v1", OrderReceived.Topic)]
public sealed record OrderDelivered(
    Guid OrderId,
    string Channel,
    string PartnerId,
    DateTimeOffset DeliveredAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
