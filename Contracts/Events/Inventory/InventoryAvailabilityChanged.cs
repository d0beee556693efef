namespace Distribution.Aspire.Contracts.Events.Inventory;

/// <summary>
/// The latest availability of a SKU, whole and per channel. Coalesced under bursts: consumers keep the
/// highest <see cref="Sequence"/> per SKU and may skip older ones.
/// </summary>
[IntegrationEvent("distribution.inventory.availability_changed.v1", InventoryReserved.Topic)]
public sealed record InventoryAvailabilityChanged(
    string Sku,
    int Available,
    IReadOnlyList<ChannelQuantity> Channels,
    long Sequence,
    DateTimeOffset AsOf) : IIntegrationEvent
{
    public string PartitionKey => Sku;
}
