using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.InventoryService.Stock;

namespace Distribution.Aspire.InventoryService.Admin;

public sealed record LocationRequest(string? LocationId, string? Kind, string? PartnerId, int? Rank);

/// <summary>Exactly one of <see cref="Delta"/> (a change) and <see cref="OnHand"/> (a count, applied if newer than the last).</summary>
public sealed record AdjustmentRequest(string? Sku, string? LocationId, int? Delta, int? OnHand, string? Reason, string? Reference, DateTimeOffset? CountedAt);

public sealed record AdjustmentResponse(bool Applied, PositionView Position);

public sealed record ChannelAllocationRequest(string? Channel, int? SharePercent, int? Buffer);

/// <summary>Replaces the SKU's rules: channels left out may offer all of ATP again.</summary>
public sealed record AllocationsRequest(IReadOnlyList<ChannelAllocationRequest>? Channels);

public sealed record SafetyStockRequest(string? LocationId, int? SafetyStock, string? Reason);

public sealed record InventoryResponse(
    string Sku,
    int Available,
    IReadOnlyList<ChannelQuantity> Channels,
    IReadOnlyList<PositionView> Positions,
    IReadOnlyList<ChannelRule> Allocations,
    DateTimeOffset AsOf);
