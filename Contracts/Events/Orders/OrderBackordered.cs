namespace Distribution.Aspire.Contracts.Events.Orders;

[IntegrationEvent("distribution.order.backordered.v1", OrderReceived.Topic)]
public sealed record OrderBackordered(
    Guid OrderId,
    string Channel,
    string PartnerId,
    DateTimeOffset BackorderedAt,
    IReadOnlyList<ShortLine> Shortages) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
