using Distribution.Aspire.Adapters.Amazon.Orders;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Amazon.Notifications;

/// <summary>
/// Processes stored notifications in the background. Everything it works from is in Postgres, so after a
/// crash or restart it simply carries on with what is still unprocessed.
/// </summary>
public sealed class NotificationWorker(
    NotificationStore store, NotificationSignal signal, IServiceScopeFactory scopes, IOptions<AmazonOptions> options, ILogger<NotificationWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.ProcessNotifications)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await store.ClaimAsync(settings.NotificationBatchSize, TimeSpan.FromSeconds(settings.LeaseSeconds), stoppingToken);
                if (claimed.Count == 0)
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.IdlePollMilliseconds), stoppingToken);
                    continue;
                }

                // Several notifications about one order (duplicates, quick successive changes) need one fetch.
                await using var scope = scopes.CreateAsyncScope();
                var ingestor = scope.ServiceProvider.GetRequiredService<OrderIngestor>();
                foreach (var group in claimed.GroupBy(n => (n.AmazonOrderId, n.PartnerId)))
                {
                    await ingestor.ProcessAsync(group.Key.AmazonOrderId, group.Key.PartnerId, group.ToList(), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Processing Amazon notifications failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
