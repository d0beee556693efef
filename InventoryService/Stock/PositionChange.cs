namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>One ledger entry: how a position moves, why, and what caused it (order, shipment, document).</summary>
public sealed record PositionChange(string Sku, string LocationId, int OnHandDelta, int ReservedDelta, int SafetyStockDelta, string Reason, string? Reference)
{
    /// <summary>Whether available-to-promise may have grown, which is what waiting backorders need.</summary>
    public bool MayFreeStock => OnHandDelta > 0 || ReservedDelta < 0 || SafetyStockDelta < 0;
}
