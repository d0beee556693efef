namespace Distribution.Aspire.InventoryService;

/// <summary>One line of an order as inventory sees it.</summary>
public sealed record OrderLine(string LineId, string Sku, int Quantity);
