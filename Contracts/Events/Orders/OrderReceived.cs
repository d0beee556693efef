namespace Distribution.Aspire.Contracts.Events.Orders;

[IntegrationEvent("distribution.order.received.v1", Topic)]
public sealed record OrderReceived(
    Guid OrderId,
    string Channel,
    string PartnerId,
    string ChannelOrderId,
    string FulfillmentChannel,
    int Priority,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<OrderedLine> Lines) : IIntegrationEvent
{
    public const string Topic = "orders";

    public string PartitionKey => OrderId.ToString();
}
