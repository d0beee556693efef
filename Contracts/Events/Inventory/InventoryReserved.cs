using Distribution.Aspire.Contracts.Events.Orders;

namespace Distribution.Aspire.Contracts.Events.Inventory;

/// <summary>Every line of the order is held; <see cref="FromBackorder"/> when stock arrived after a shortage.</summary>
[IntegrationEvent("distribution.inventory.reserved.v1", Topic)]
public sealed record InventoryReserved(
    Guid OrderId,
    IReadOnlyList<AllocatedLine> Allocations,
    bool FromBackorder,
    DateTimeOffset ReservedAt) : IIntegrationEvent
{
    public const string Topic = "inventory";

    public string PartitionKey => OrderId.ToString();
}
