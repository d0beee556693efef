namespace Distribution.Aspire.Contracts.Events.Inventory;

/// <summary>What one sales channel may offer of a SKU.</summary>
public sealed record ChannelQuantity(string Channel, int Available);
