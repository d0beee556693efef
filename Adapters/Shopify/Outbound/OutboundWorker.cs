using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Payouts;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Sla;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Sends the durable outbound queue to Shopify in two lanes, each one call at a time (the shop's budgets are the limit,
/// not our parallelism), because Shopify limits them separately: quantity updates go by GraphQL (its cost budget), up
/// to 250 due ones (oldest first) in one call, so a changed SKU does not wait behind every other SKU's call;
/// fulfillments and the rest go one by one by REST (its call budget). In one lane, a backlog of fulfillments paced at
/// the REST budget held every stock level back behind it. Transient failures
/// go back to the queue with back-off capped at
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
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RunLaneAsync(quantities: true, signal.Quantities, stoppingToken), RunLaneAsync(quantities: false, signal.Calls, stoppingToken));

    private async Task RunLaneAsync(bool quantities, WorkSignal wake, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lease = settings.Http.TotalTimeout + TimeSpan.FromSeconds(30);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = quantities ? await SendDueQuantitiesAsync(lease, stoppingToken) : await SendNextCallAsync(lease, stoppingToken);
                if (!sent)
                {
                    await wake.WaitAsync(settings.Outbound.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Shopify outbound worker could not use its queue; trying again");
                await wake.WaitAsync(settings.Outbound.PollInterval, stoppingToken);
            }
        }
    }

    private async Task<bool> SendDueQuantitiesAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var batch = await queue.LeaseInventoryAsync(lease, ShopifyAdminClient.MaxQuantitiesPerCall, cancellationToken);
        if (batch.Count == 0)
        {
            return false;
        }

        await SendInventoryAsync(batch, cancellationToken);
        return true;
    }

    private async Task<bool> SendNextCallAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        if (await queue.LeaseNextCallAsync(lease, cancellationToken) is not { } leased)
        {
            return false;
        }

        await SendAsync(leased, cancellationToken);
        return true;
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
            activity?.SetTag("shopify.outcome", "retry");
            await RescheduleAsync([leased], ex, cancellationToken);
            return;
        }

        activity?.SetTag("shopify.outcome", result.Outcome);
        await FinishAsync(leased, result, cancellationToken);
    }

    private async Task SendInventoryAsync(IReadOnlyList<LeasedCommand> batch, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("outbound." + OutboundKinds.SetInventory);
        activity?.SetTag("shopify.batch_size", batch.Count);
        activity?.SetTag("shopify.attempt", batch.Max(l => l.Attempts) + 1);
        IReadOnlyList<OutboundResult> results;
        try
        {
            results = await inventory.ExecuteAsync(batch, cancellationToken);
        }
        catch (ShopifyApiException ex) when (!ex.Transient)
        {
            results = [.. batch.Select(_ => OutboundResult.Refused(ShopifyCodes.ShopifyRejected, ex.Message))];
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity?.SetTag("shopify.outcome", "retry");
            await RescheduleAsync(batch, ex, cancellationToken);
            return;
        }

        var done = new List<LeasedCommand>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Outcome == "set")
            {
                done.Add(batch[i]);
            }
            else
            {
                await FinishAsync(batch[i], results[i], cancellationToken);
            }
        }

        await queue.CompleteAsync(done, cancellationToken);
        telemetry.Sent.Add(done.Count, new("channel", ShopifyOptions.Channel), new("kind", OutboundKinds.SetInventory));
        // The shop answered the call without a user error for these: the changes are now what buyers see.
        await freshness.AcknowledgedAsync(options.Value.PartnerId, ShopifyOptions.Channel, done.Select(d => d.ChangedAt).OfType<DateTimeOffset>(), cancellationToken);
        activity?.SetTag("shopify.outcome", done.Count == batch.Count ? "set" : "partial");
    }

    private async Task RescheduleAsync(IReadOnlyList<LeasedCommand> leased, Exception error, CancellationToken cancellationToken)
    {
        var settings = options.Value.Outbound;
        var attempts = leased.Max(l => l.Attempts) + 1;
        logger.LogWarning("Shopify {Kind} call for {Count} command(s) from {CommandId} failed (attempt {Attempt}): {Error}; retrying with back-off",
            leased[0].Kind, leased.Count, leased[0].CommandId, attempts, error.Message);
        await queue.RescheduleAsync(leased, settings.FirstBackoff, settings.MaxBackoff, Describe(error), cancellationToken);
    }

    private async Task FinishAsync(LeasedCommand leased, OutboundResult result, CancellationToken cancellationToken)
    {
        if (result.RefusalCode is { } code)
        {
            logger.LogWarning("Shopify {Kind} command {CommandId} refused: {Code}", leased.Kind, leased.CommandId, code);
            await queue.FailAsync(leased, result.RefusalReason!, cancellationToken);
            await exceptions.RecordAsync(
                new NewException(ExceptionStage.Outbound, code, result.RefusalReason!, CommandId: leased.CommandId, Body: System.Text.Encoding.UTF8.GetBytes(leased.Payload)),
                cancellationToken);
        }
        else if (result.Outcome == "later")
        {
            logger.LogInformation("Shopify {Kind} command {CommandId} cannot be sent yet: {Reason}", leased.Kind, leased.CommandId, result.RefusalReason);
            await queue.RescheduleAsync([leased], options.Value.Outbound.FirstBackoff, options.Value.Outbound.MaxBackoff, result.RefusalReason!, cancellationToken);
        }
        else if (result.Outcome == "unmapped")
        {
            await queue.ParkAsync(leased, cancellationToken);
        }
        else
        {
            await queue.CompleteAsync(leased, result.Record, cancellationToken);
            ShopifyTelemetry.Count(telemetry.Sent, "kind", leased.Kind);
        }
    }

    private static string Describe(Exception error)
    {
        var text = error.Message;
        return text.Length <= 1000 ? text : text[..1000];
    }
}
