namespace Distribution.Aspire.InventoryService.Stock;

/// <summary>What one transaction changed, for the work that must wait until it has committed (cache invalidation, waking the filler).</summary>
public sealed class StockChanges
{
    public HashSet<string> Skus { get; } = new(StringComparer.Ordinal);

    public bool BackordersWoken { get; set; }
}
