namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>Cancelled before shipment; whatever stock the order held or waited for is given back.</summary>
[IntegrationEvent("distribution.order.cancelled.v1", OrderReceived.Topic)]
public sealed record OrderCancelled(
    Guid OrderId,
    string Channel,
    string PartnerId,
    string Reason,
    DateTimeOffset CancelledAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
