namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>The order is ours to ship: stock is held where <see cref="Allocations"/> says (empty for marketplace-fulfilled orders).</summary>
[IntegrationEvent("distribution.order.accepted.v1", OrderReceived.Topic)]
public sealed record OrderAccepted(
    Guid OrderId,
    string Channel,
    string PartnerId,
    string FulfillmentChannel,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<AllocatedLine> Allocations) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
