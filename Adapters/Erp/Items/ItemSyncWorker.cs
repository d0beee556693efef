using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Erp.Items;

/// <summary>Syncs the item master at start and every Erp:ItemSyncIntervalSeconds (0: only when an operator asks); a failed run is tried again sooner.</summary>
public sealed class ItemSyncWorker(ItemMasterSync sync, IOptions<ErpOptions> options, ILogger<ItemSyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.ItemSyncIntervalSeconds <= 0)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = TimeSpan.FromSeconds(settings.ItemSyncIntervalSeconds);
            try
            {
                var result = await sync.RunAsync(full: false, stoppingToken);
                if (result is not null)
                {
                    logger.LogInformation("Item master synced: {Items} items in {Pages} pages ({Created} new, {Updated} changed, {Rejected} refused)",
                        result.Items, result.Pages, result.Created, result.Updated, result.Rejected);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Item master sync failed; trying again in {Seconds} s", settings.ItemSyncRetrySeconds);
                wait = TimeSpan.FromSeconds(Math.Min(settings.ItemSyncRetrySeconds, settings.ItemSyncIntervalSeconds));
            }

            await Task.Delay(wait, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
