namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>A SKU at a location, with the location's rank for the reservation policy.</summary>
public sealed record Position(string Sku, string LocationId, int Rank, int OnHand, int Reserved, int SafetyStock)
{
    public int Available => Atp.Of(OnHand, Reserved, SafetyStock);
}

public static class Atp
{
    /// <summary>Available to promise: on hand − reserved − safety stock, never below zero.</summary>
    public static int Of(int onHand, int reserved, int safetyStock) => Math.Max(0, onHand - reserved - safetyStock);
}
