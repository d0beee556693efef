using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// Produces a stream of orders at <c>Scenario:OrdersPerMinute</c> (exponential gaps, like independent shoppers),
/// some of them paid later (orders/updated) and some cancelled, each with its webhook. Idle at zero; the rate is
/// read again for every order, so configuration changes apply without a restart.
/// </summary>
public sealed class ScenarioDriver(ShopifyOrderDesk desk, IOptionsMonitor<ShopifySandboxOptions> options, TimeProvider clock, ILogger<ScenarioDriver> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var scenario = options.CurrentValue.Scenario;
                if (scenario.OrdersPerMinute <= 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
                    continue;
                }

                var gap = -Math.Log(1 - random.NextDouble()) * 60.0 / scenario.OrdersPerMinute;
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(gap, 300)), clock, stoppingToken);
                var order = desk.Place(financialStatus: desk.Chance(scenario.UpdateRatio) ? "authorized" : "paid")!;
                logger.LogInformation("Shopify sandbox placed order {OrderId} with {Lines} lines", order.Id, order.Lines.Count);
                if (order.FinancialStatus == "authorized")
                {
                    _ = LaterAsync(TimeSpan.FromSeconds(2), () => desk.MarkPaid(order.Id), stoppingToken);
                }

                if (desk.Chance(scenario.CancelRatio))
                {
                    _ = LaterAsync(TimeSpan.FromSeconds(5), () => desk.Cancel(order.Id), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task LaterAsync(TimeSpan delay, Action action, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, clock, cancellationToken);
            action();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
