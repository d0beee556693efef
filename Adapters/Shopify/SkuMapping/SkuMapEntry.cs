namespace Distribution.Aspire.Adapters.Shopify.SkuMapping;

/// <summary>Our SKU, the Shopify inventory item (and variant) it is, and the location whose quantity we set.</summary>
public sealed record SkuMapEntry(string Sku, long InventoryItemId, long LocationId, long? VariantId, string Source, DateTimeOffset UpdatedAt);
