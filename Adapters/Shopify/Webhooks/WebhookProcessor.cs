using System.Text.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Inventory;
using Distribution.Aspire.Adapters.Shopify.Orders;
using Distribution.Aspire.Adapters.Shopify.Refunds;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>
/// Processes stored deliveries, several at a time (<c>Shopify:Webhooks:Concurrency</c>). Each one is taken under a row
/// lock (so workers and replicas share the work), processed, and
/// its new status committed in the same transaction as its effects; a crash or a failed attempt leaves it
/// <c>received</c>, so it is picked up again, after restarts too. Transient failures (the order service or the
/// database unreachable) are retried with back-off for as long as it takes; anything else unexpected gets a
/// limited number of attempts and then goes on the exceptions list, so one bad delivery never blocks the rest.
/// </summary>
public sealed class WebhookProcessor(
    NpgsqlDataSource database,
    WebhookSignal signal,
    OrderFactProcessor orders,
    RefundRecorder refunds,
    InventoryLevelRecorder inventoryLevels,
    ExceptionStore exceptions,
    ShopifyTelemetry telemetry,
    TimeProvider clock,
    IOptions<ShopifyOptions> options,
    ILogger<WebhookProcessor> logger) : BackgroundService
{
    /// <summary>Attempts for an unexpected (non-transient) failure before the delivery goes on the exceptions list.</summary>
    public const int MaxUnexpectedAttempts = 8;

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Deliveries are independent except for those of one order, which that order's row lock serializes (and its
        // updated_at orders), so several workers take them side by side: one at a time, the order service's round
        // trip would cap intake at a few dozen orders a second.
        var workers = Math.Max(1, options.Value.Webhooks.Concurrency);
        return Task.WhenAll([CleanupAsync(stoppingToken), .. Enumerable.Range(0, workers).Select(_ => WorkAsync(stoppingToken))]);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Webhooks;
        while (!stoppingToken.IsCancellationRequested)
        {
            var found = false;
            try
            {
                found = await ProcessNextAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Shopify webhook worker could not read its queue; trying again");
            }

            if (!found)
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }
    }

    private async Task CleanupAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Webhooks.Retention;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeleteFinishedAsync(retention, stoppingToken);
                await Task.Delay(CleanupInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not delete finished Shopify deliveries; trying again in {Interval}", CleanupInterval);
                try
                {
                    await Task.Delay(CleanupInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task DeleteFinishedAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "DELETE FROM webhook_deliveries WHERE status IN ('processed', 'skipped') AND processed_at < now() - @retention");
        command.Parameters.AddWithValue("retention", retention);
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} Shopify deliveries finished more than {Retention} ago", deleted, retention);
        }
    }

    /// <summary>Takes the oldest due delivery no other worker or replica holds and processes it.</summary>
    /// <returns>Whether there was one.</returns>
    public async Task<bool> ProcessNextAsync(CancellationToken cancellationToken)
    {
        StoredDelivery? delivery = null;
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            delivery = await LockNextAsync(connection, transaction, cancellationToken);
            if (delivery is null)
            {
                return false;
            }

            // More may be waiting: wake another idle worker (one wake-up is pending at most, so this cannot pile up).
            signal.Notify();
            await ProcessAsync(connection, transaction, delivery, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (delivery is not null)
        {
            await RescheduleAsync(delivery.DeliveryId, delivery, ex, cancellationToken);
            return true;
        }
    }

    private async Task ProcessAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredDelivery delivery, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("webhook.process", delivery.Topic);
        activity?.SetTag("shopify.delivery_id", delivery.DeliveryId);
        activity?.SetTag("shopify.attempt", delivery.Attempts + 1);
        using var document = JsonDocument.Parse(delivery.Body);
        var context = new DeliveryContext(delivery, document.RootElement, connection, transaction, exceptions);
        var result = delivery.Topic switch
        {
            WebhookTopics.RefundsCreate => await refunds.ProcessAsync(context, cancellationToken),
            WebhookTopics.InventoryLevelsUpdate => await inventoryLevels.ProcessAsync(context, cancellationToken),
            _ when WebhookTopics.IsOrderFact(delivery.Topic) => await orders.ProcessAsync(context, cancellationToken),
            _ => await context.ExceptionAsync(ExceptionStage.Mapping, ShopifyCodes.UnknownTopic, $"No processor for topic {delivery.Topic}.", null, cancellationToken),
        };

        await FinishAsync(connection, transaction, delivery, result, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        activity?.SetTag("shopify.outcome", result.Outcome);
        ShopifyTelemetry.Count(telemetry.Processed, "topic", delivery.Topic, "outcome", result.Outcome);
        telemetry.RecordLag(delivery.Topic, clock.GetUtcNow() - delivery.ReceivedAt);
    }

    private static async Task<StoredDelivery?> LockNextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var claim = connection.CreateClaim(transaction, new NpgsqlBatchCommand("""
            SELECT delivery_id, shop_domain, partner_id, topic, body, attempts, received_at FROM webhook_deliveries
            WHERE status = 'received' AND next_attempt_at <= now()
            ORDER BY received_at LIMIT 1
            FOR UPDATE SKIP LOCKED
            """));
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredDelivery(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (byte[])reader.GetValue(4),
            reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6));
    }

    private static async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredDelivery delivery, ProcessingResult result, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE webhook_deliveries SET status = @status, outcome = @outcome, attempts = attempts + 1, processed_at = now(), last_error = NULL
            WHERE delivery_id = @id
            """, connection, transaction);
        command.Parameters.AddWithValue("status", result.Status);
        command.Parameters.AddWithValue("outcome", result.Outcome);
        command.Parameters.AddWithValue("id", delivery.DeliveryId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RescheduleAsync(string deliveryId, StoredDelivery? delivery, Exception error, CancellationToken cancellationToken)
    {
        var attempts = (delivery?.Attempts ?? 0) + 1;
        var transient = IsTransient(error);
        var giveUp = !transient && attempts >= MaxUnexpectedAttempts;
        var delay = Backoff(attempts);
        logger.Log(transient ? LogLevel.Warning : LogLevel.Error, error,
            "Processing Shopify delivery {DeliveryId} failed (attempt {Attempt}, {Kind}); {Next}",
            deliveryId, attempts, transient ? "transient" : "unexpected", giveUp ? "moved to the exceptions list" : $"retrying in {delay}");
        ShopifyTelemetry.Count(telemetry.ProcessingRetries, "topic", delivery?.Topic ?? "unknown");
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var command = new NpgsqlCommand("""
                UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = @error,
                    next_attempt_at = now() + @delay, status = CASE WHEN @giveUp THEN 'exception' ELSE status END,
                    outcome = CASE WHEN @giveUp THEN @code ELSE outcome END
                WHERE delivery_id = @id AND status = 'received'
                """, connection, transaction))
            {
                command.Parameters.AddWithValue("error", Describe(error));
                command.Parameters.AddWithValue("delay", delay);
                command.Parameters.AddWithValue("giveUp", giveUp);
                command.Parameters.AddWithValue("code", ShopifyCodes.ProcessingFailed);
                command.Parameters.AddWithValue("id", deliveryId);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (giveUp && delivery is not null)
            {
                await exceptions.RecordAsync(
                    new NewException(ExceptionStage.Mapping, ShopifyCodes.ProcessingFailed, $"Gave up after {attempts} attempts: {error.Message}",
                        delivery.DeliveryId, null, delivery.ShopDomain, delivery.PartnerId, delivery.Topic, null, delivery.Body, delivery.Body.Length),
                    connection, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The row stays due; the next poll tries again.
            logger.LogWarning(ex, "Could not reschedule Shopify delivery {DeliveryId}", deliveryId);
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value.Webhooks;
        var delay = settings.FirstBackoff * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay < settings.MaxBackoff ? delay : settings.MaxBackoff;
    }

    private static string Describe(Exception error)
    {
        var text = $"{error.GetType().Name}: {error.Message}";
        return text.Length <= 1000 ? text : text[..1000];
    }

    private static bool IsTransient(Exception error) => error switch
    {
        // Unimplemented too: an order service not yet serving the method is a deployment in progress, not a bad delivery.
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted
            or StatusCode.Aborted or StatusCode.Cancelled or StatusCode.Unknown or StatusCode.Internal or StatusCode.Unimplemented,
        NpgsqlException or TimeoutException or HttpRequestException => true,
        _ => false,
    };
}
