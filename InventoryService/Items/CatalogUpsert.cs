namespace Distribution.Aspire.InventoryService.Items;

/// <summary>What an item-master upsert did: counts per outcome and the items refused, each with its code.</summary>
public sealed record CatalogUpsert(int Created, int Updated, int Unchanged, IReadOnlyList<(string Sku, string Code, string Message)> Rejected);
