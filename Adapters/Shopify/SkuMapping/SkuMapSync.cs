using Distribution.Aspire.Adapters.Shopify.Outbound;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.SkuMapping;

/// <summary>What a sync did: variants mapped, variants without a SKU, and SKUs an operator's entry kept.</summary>
public sealed record SkuMapSyncResult(int Mapped, int WithoutSku, int KeptByOperator, long LocationId);

/// <summary>
/// Fills the SKU map from the shop: every product variant with a SKU maps to its inventory item at the configured
/// location (<see cref="ShopifyOptions.DefaultLocationId"/>, else the shop's first active location).
/// </summary>
public sealed class SkuMapSync(ShopifyAdminClient shopify, SkuMapStore store, IOptions<ShopifyOptions> options, ShopifyTelemetry telemetry)
{
    private const int PageSize = 250;

    public async Task<SkuMapSyncResult> RunAsync(CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("skumap.sync");
        var location = options.Value.DefaultLocationId
            ?? (await shopify.ListLocationsAsync(cancellationToken)).Where(l => l.Active).OrderBy(l => l.Id).Select(l => (long?)l.Id).FirstOrDefault()
            ?? throw new ShopifyApiException("locations.list", null, "the shop has no active location", transient: false);

        var (mapped, withoutSku, kept) = (0, 0, 0);
        var sinceId = 0L;
        while (true)
        {
            var products = await shopify.ListProductsAsync(sinceId, PageSize, cancellationToken);
            foreach (var variant in products.SelectMany(p => p.Variants))
            {
                if (string.IsNullOrWhiteSpace(variant.Sku))
                {
                    withoutSku++;
                }
                else if (await store.UpsertAsync(variant.Sku.Trim(), variant.InventoryItemId, location, variant.Id, "sync", cancellationToken))
                {
                    mapped++;
                }
                else
                {
                    kept++;
                }
            }

            if (products.Count < PageSize)
            {
                break;
            }

            sinceId = products.Max(p => p.Id);
        }

        activity?.SetTag("shopify.mapped", mapped);
        return new SkuMapSyncResult(mapped, withoutSku, kept, location);
    }
}
