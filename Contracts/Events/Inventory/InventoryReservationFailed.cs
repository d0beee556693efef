using Distribution.Aspire.Contracts.Events.Orders;

namespace Distribution.Aspire.Contracts.Events.Inventory;

/// <summary>Nothing was held (all or none); the order waits as a backorder until stock arrives or it is cancelled.</summary>
[IntegrationEvent("distribution.inventory.reservation_failed.v1", InventoryReserved.Topic)]
public sealed record InventoryReservationFailed(
    Guid OrderId,
    IReadOnlyList<ShortLine> Shortages,
    DateTimeOffset FailedAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId.ToString();
}
