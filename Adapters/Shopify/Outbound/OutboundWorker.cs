using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Payouts;
using Distribution.Aspire.ServiceDefaults.Sla;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Sends the durable outbound queue to Shopify, one command at a time (the shop's call budget is the limit, not
/// our parallelism). Transient failures go back to the queue with back-off capped at
/// <see cref="ShopifyOptions.WorkerOptions.MaxBackoff"/>, for as long as the outage lasts; refusals go on the
/// exceptions list; nothing is dropped.
/// </summary>
public sealed class OutboundWorker(
    OutboundQueue queue,
    OutboundSignal signal,
    InventoryPusher inventory,
    FulfillmentCreator fulfillments,
    PayoutForwarder payouts,
    ExceptionStore exceptions,
    ShopifyTelemetry telemetry,
    SyncFreshness freshness,
    IOptions<ShopifyOptions> options,
    ILogger<OutboundWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lease = settings.Http.TotalTimeout + TimeSpan.FromSeconds(30);
        while (!stoppingToken.IsCancellationRequested)
        {
            LeasedCommand? leased = null;
            try
            {
                leased = await queue.LeaseNextAsync(lease, stoppingToken);
                if (leased is null)
                {
                    await signal.WaitAsync(settings.Outbound.PollInterval, stoppingToken);
                    continue;
                }

                await SendAsync(leased, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Shopify outbound worker could not use its queue; trying again");
                await signal.WaitAsync(settings.Outbound.PollInterval, stoppingToken);
            }
        }
    }

    private async Task SendAsync(LeasedCommand leased, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("outbound." + leased.Kind);
        activity?.SetTag("shopify.command_id", leased.CommandId);
        activity?.SetTag("shopify.attempt", leased.Attempts + 1);
        OutboundResult result;
        try
        {
            result = leased.Kind switch
            {
                OutboundKinds.SetInventory => await inventory.ExecuteAsync(leased, cancellationToken),
                OutboundKinds.CreateFulfillment => await fulfillments.ExecuteAsync(leased, cancellationToken),
                OutboundKinds.ForwardPayout => await payouts.ExecuteAsync(leased, cancellationToken),
                _ => OutboundResult.Refused(ShopifyCodes.ProcessingFailed, $"Unknown command kind {leased.Kind}."),
            };
        }
        catch (ShopifyApiException ex) when (!ex.Transient)
        {
            result = OutboundResult.Refused(ShopifyCodes.ShopifyRejected, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var delay = Backoff(leased.Attempts + 1);
            logger.LogWarning("Shopify {Kind} command {CommandId} failed (attempt {Attempt}): {Error}; retrying in {Delay}",
                leased.Kind, leased.CommandId, leased.Attempts + 1, ex.Message, delay);
            activity?.SetTag("shopify.outcome", "retry");
            await queue.RescheduleAsync(leased, delay, Describe(ex), cancellationToken);
            return;
        }

        activity?.SetTag("shopify.outcome", result.Outcome);
        if (result.RefusalCode is { } code)
        {
            logger.LogWarning("Shopify {Kind} command {CommandId} refused: {Code}", leased.Kind, leased.CommandId, code);
            await queue.FailAsync(leased, result.RefusalReason!, cancellationToken);
            await exceptions.RecordAsync(
                new NewException(ExceptionStage.Outbound, code, result.RefusalReason!, CommandId: leased.CommandId, Body: System.Text.Encoding.UTF8.GetBytes(leased.Payload)),
                cancellationToken);
        }
        else if (result.Outcome == "unmapped")
        {
            await queue.ParkAsync(leased, cancellationToken);
        }
        else
        {
            await queue.CompleteAsync(leased, result.Record, cancellationToken);
            ShopifyTelemetry.Count(telemetry.Sent, "kind", leased.Kind);
            if (leased.Kind == OutboundKinds.SetInventory && result.Outcome != "unmapped" && leased.ChangedAt is { } changedAt)
            {
                // The shop answered 2xx to the inventory set: the change is now what buyers see.
                await freshness.AcknowledgedAsync(options.Value.PartnerId, ShopifyOptions.Channel, [changedAt], cancellationToken);
            }
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value.Outbound;
        var delay = settings.FirstBackoff * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < settings.MaxBackoff ? delay : settings.MaxBackoff;
    }

    private static string Describe(Exception error)
    {
        var text = error.Message;
        return text.Length <= 1000 ? text : text[..1000];
    }
}
