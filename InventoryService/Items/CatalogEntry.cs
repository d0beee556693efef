namespace Distribution.Aspire.InventoryService.Items;

/// <summary>One item as the item master describes it.</summary>
public sealed record CatalogEntry(string Sku, string? Description, string? UnitOfMeasure, bool Blocked, DateTimeOffset? ModifiedAt);
