using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

/// <summary>
/// Moves the sandbox 3PL's shipments along after the configured delays: shipped (945 + 856 for X12 orders, a
/// JSON shipped event for JSON orders), in transit, delivered (JSON tracking events); and sends an 846 of its
/// stock every <c>InventoryIntervalSeconds</c>. A post that fails is retried on the next tick.
/// </summary>
public sealed class ThreePLScenarioDriver(
    ThreePLSandboxState state, ThreePLDocuments documents, ThreePLPartnerClient client, IOptions<ThreePLSandboxOptions> options, ILogger<ThreePLScenarioDriver> logger)
    : BackgroundService
{
    private DateTimeOffset _lastInventory = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.TickMilliseconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Sandbox 3PL tick failed.");
            }
        }
    }

    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = state.Time.GetUtcNow();
        foreach (var shipment in state.Shipments.Values.Where(s => !s.Cancelled && s.Stage < 3).OrderBy(s => s.ReceivedAt))
        {
            var age = (now - shipment.ReceivedAt).TotalSeconds;
            if (shipment.Stage == 0 && age >= settings.ShipAfterSeconds)
            {
                var ok = shipment.Format == "x12"
                    ? await client.PostEdiAsync("945", shipment.Reference, documents.ShippingAdvice(shipment, now), cancellationToken)
                        && (!settings.SendShipNotice || await client.PostEdiAsync("856", shipment.Reference, documents.ShipNotice(shipment, now), cancellationToken))
                    : await client.PostEventAsync("shipped", shipment.Reference, documents.Shipped(shipment, now), cancellationToken);
                shipment.Stage = ok ? 1 : 0;
            }
            else if (shipment.Stage == 1 && age >= settings.InTransitAfterSeconds)
            {
                if (state.Faults.OutOfOrder)
                {
                    // Delivered first, then the older in-transit event: the adapter must not move the shipment back.
                    var delivered = await client.PostEventAsync("delivered", shipment.Reference, documents.Tracking(shipment, "de", now.AddSeconds(settings.DeliveredAfterSeconds - settings.InTransitAfterSeconds)), cancellationToken);
                    var transit = delivered && await client.PostEventAsync("in_transit", shipment.Reference, documents.Tracking(shipment, "it", now), cancellationToken);
                    shipment.Stage = transit ? 3 : 1;
                }
                else if (await client.PostEventAsync("in_transit", shipment.Reference, documents.Tracking(shipment, "it", now), cancellationToken))
                {
                    shipment.Stage = 2;
                }
            }
            else if (shipment.Stage == 2 && age >= settings.DeliveredAfterSeconds
                && await client.PostEventAsync("delivered", shipment.Reference, documents.Tracking(shipment, "de", now), cancellationToken))
            {
                shipment.Stage = 3;
            }
        }

        if (settings.InventoryIntervalSeconds > 0 && (now - _lastInventory).TotalSeconds >= settings.InventoryIntervalSeconds && !state.Stock.IsEmpty
            && await client.PostEdiAsync("846", "inventory", documents.InventoryAdvice(now), cancellationToken))
        {
            _lastInventory = now;
        }
    }
}
