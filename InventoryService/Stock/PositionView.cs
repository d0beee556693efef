namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>A position as operators and callers see it.</summary>
public sealed record PositionView(string Sku, string LocationId, int OnHand, int Reserved, int SafetyStock)
{
    public int Available => Atp.Of(OnHand, Reserved, SafetyStock);
}

public sealed record LocationInfo(string LocationId, string Kind, string? PartnerId, int Rank);

/// <summary>A channel's share of a SKU's ATP (percent) and the units held back from it.</summary>
public sealed record ChannelRule(string Channel, int SharePercent, int Buffer);
