using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>Listens for partner changes made on any replica and drops them from this replica's cache.</summary>
internal sealed class PartnerChangeSubscriber(IConnectionMultiplexer redis, PartnerDirectory directory, ILogger<PartnerChangeSubscriber> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Redis may not be up yet; once subscribed, the multiplexer re-subscribes by itself after reconnects.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(PartnerDirectory.ChangesChannel, (_, partnerId) =>
                {
                    if (partnerId.HasValue)
                    {
                        directory.Invalidate(partnerId.ToString());
                    }
                });
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Any failure, not only Redis's own: an exception leaving a background service stops the gateway.
                logger.LogWarning("Cannot subscribe to partner changes yet ({Reason}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }
}
