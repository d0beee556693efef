namespace Distribution.Aspire.Adapters.Shopify.SkuMapping;

/// <summary>
/// The part of the SKU map an order needs: our SKU for a variant whose line carries none, and whether a SKU is
/// one we sell through Shopify at all.
/// </summary>
public sealed record SkuCatalog(IReadOnlyDictionary<long, string> SkuByVariant, IReadOnlySet<string> KnownSkus, bool RequireKnown)
{
    /// <summary>No map: every non-empty SKU is taken as it is.</summary>
    public static readonly SkuCatalog Open = new(new Dictionary<long, string>(), new HashSet<string>(), RequireKnown: false);

    public bool IsKnown(string sku) => !RequireKnown || KnownSkus.Contains(sku);
}
