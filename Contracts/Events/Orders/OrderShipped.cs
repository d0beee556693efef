namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>
/// One shipment left: <see cref="Lines"/> are this shipment's quantities, <see cref="Complete"/> says
/// whether the whole order has now shipped (otherwise it is partially shipped).
/// </summary>
[IntegrationEvent("distribution.order.shipped.v1", OrderReceived.Topic)]
public sealed record OrderShipped(
    Guid OrderId,
    string Channel,
    string PartnerId,
    string ShipmentId,
    IReadOnlyList<OrderedLine> Lines,
    bool Complete,
    string? Carrier,
    string? TrackingNumber,
    DateTimeOffset ShippedAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
