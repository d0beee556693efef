using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>Places orders at the configured rate, a mix of seller-fulfilled and Amazon-fulfilled, and notifies each.</summary>
public sealed class AmazonScenarioDriver(
    AmazonSandboxState state, AmazonNotificationSender sender, IOptions<AmazonSandboxOptions> options, TimeProvider time, ILogger<AmazonScenarioDriver> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var scenario = settings.Scenario;
        if (scenario.OrdersPerMinute <= 0 || scenario.Skus.Count == 0)
        {
            return;
        }

        var interval = TimeSpan.FromMinutes(1 / scenario.OrdersPerMinute);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            var lineCount = Random.Shared.Next(1, Math.Min(3, scenario.Skus.Count) + 1);
            var lines = scenario.Skus.OrderBy(_ => Random.Shared.Next()).Take(lineCount)
                .Select(sku => (sku, Random.Shared.Next(1, scenario.MaxQuantity + 1), scenario.UnitPrice))
                .ToList();
            var afn = Random.Shared.NextDouble() < scenario.AfnShare;
            var order = state.PlaceOrder(afn, lines, settings.MarketplaceId, settings.Currency);
            logger.LogInformation("Sandbox Amazon order {AmazonOrderId} placed ({Fulfillment})", order.AmazonOrderId, afn ? "AFN" : "MFN");
            await sender.NotifyAsync(order, "OrderStatusChange", stoppingToken);
        }
    }
}
