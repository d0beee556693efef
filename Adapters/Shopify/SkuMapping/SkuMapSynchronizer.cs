using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.SkuMapping;

/// <summary>Runs <see cref="SkuMapSync"/> at start and every <see cref="ShopifyOptions.SkuMapSyncInterval"/>; a failed run is tried again soon.</summary>
public sealed class SkuMapSynchronizer(SkuMapSync sync, TimeProvider clock, IOptions<ShopifyOptions> options, ILogger<SkuMapSynchronizer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SkuMapSyncInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = interval;
            try
            {
                var result = await sync.RunAsync(stoppingToken);
                logger.LogInformation("SKU map synced from Shopify: {Mapped} mapped, {WithoutSku} variants without SKU, {Kept} kept by operators",
                    result.Mapped, result.WithoutSku, result.KeptByOperator);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("SKU map sync failed: {Error}; trying again in {Delay}", ex.Message, RetryAfterFailure);
                wait = RetryAfterFailure < interval ? RetryAfterFailure : interval;
            }

            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
