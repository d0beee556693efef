using System.Text.Json;
using Distribution.Aspire.Adapters.Amazon.Exceptions;
using Distribution.Aspire.Adapters.Amazon.Notifications;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Contracts.Orders.V1;
using Distribution.Aspire.ServiceDefaults.Errors;
using Grpc.Core;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>
/// Turns stored notifications into canonical orders: fetch the order from the Orders API, map it, submit it
/// (or cancel it), and link it, then mark the notifications done. Unmappable data goes to the exceptions
/// list; failures that pass (throttling, outages) leave the notifications for a later attempt.
/// </summary>
public sealed class OrderIngestor(
    IAmazonOrdersApi ordersApi,
    Contracts.Orders.V1.Orders.OrdersClient orders,
    NpgsqlDataSource database,
    NotificationStore store,
    ExceptionStore exceptions,
    AmazonTelemetry telemetry,
    Microsoft.Extensions.Options.IOptions<AmazonOptions> options,
    ILogger<OrderIngestor> logger)
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public async Task ProcessAsync(string amazonOrderId, string partnerId, IReadOnlyList<ClaimedNotification> notifications, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("order.ingest");
        activity?.SetTag("amazon.order_id", amazonOrderId);
        activity?.SetTag("amazon.orders_api", ordersApi.Version);
        var ids = notifications.Select(n => n.NotificationId).ToList();
        AmazonOrder? order = null;
        try
        {
            using (telemetry.Start("order.fetch", System.Diagnostics.ActivityKind.Client))
            {
                order = await ordersApi.GetOrderAsync(amazonOrderId, cancellationToken);
            }

            if (order is null)
            {
                await FailAsync(ids, AmazonProblemCodes.OrderNotFound, amazonOrderId, $"Amazon does not know order {amazonOrderId}.", "{}", cancellationToken);
                return;
            }

            var outcome = await ApplyAsync(order, partnerId, ids, cancellationToken);
            activity?.SetTag("outcome", outcome);
            foreach (var notification in notifications)
            {
                telemetry.Processed(DateTimeOffset.UtcNow - notification.ReceivedAt);
            }
        }
        catch (UnmappableOrderException ex)
        {
            await FailAsync(ids, ex.Code, amazonOrderId, ex.Message, Serialize(order), cancellationToken);
        }
        catch (RpcException ex) when (IsRefusal(ex.StatusCode))
        {
            var code = GrpcRefusal.CodeOf(ex) ?? AmazonProblemCodes.OrderRejected;
            await FailAsync(ids, code, amazonOrderId, $"OrderService refused the order: {ex.Status.Detail}", Serialize(order), cancellationToken);
        }
        catch (SpApiException ex) when (!ex.IsTransient)
        {
            await FailAsync(ids, AmazonProblemCodes.OrderNotFound, amazonOrderId, ex.Message, ex.Body, cancellationToken);
        }
        catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            var attempts = notifications.Max(n => n.Attempts);
            var delay = RetryDelay(attempts, options.Value.MaxRetryDelaySeconds);
            logger.LogWarning("Order {AmazonOrderId} will be retried in {Delay}: {Error}", amazonOrderId, delay, ex.Message);
            await store.RetryLaterAsync(ids, delay, ex.Message, CancellationToken.None);
        }
    }

    private async Task<string> ApplyAsync(AmazonOrder order, string partnerId, List<string> ids, CancellationToken cancellationToken)
    {
        var fulfillment = order.FulfilledByAmazon ? FulfillmentChannels.Marketplace : FulfillmentChannels.Merchant;
        Guid? orderId = null;
        string outcome;
        switch (order.Status)
        {
            case AmazonOrderStatus.Pending:
                // No address or price yet and payment not authorized; the change to Unshipped brings another notification.
                await FinishAsync(ids, "deferred", null, cancellationToken);
                return "deferred";

            case AmazonOrderStatus.Canceled or AmazonOrderStatus.Unfulfillable:
                var known = await new AmazonOrderLinks(database).FindAsync(order.AmazonOrderId, cancellationToken);
                // No link does not mean no order: a submit may have committed without us seeing the answer (deadline,
                // crash before the link row) or may still be under way on another replica. So the cancellation goes by
                // Amazon's order id; OrderService cancels the order if it exists, or keeps the cancellation and
                // applies it when the order arrives — either way the order cannot stay live.
                var cancel = known?.OrderId is { } existing
                    ? new CancelOrderRequest { OrderId = existing.ToString(), PartnerId = known.PartnerId, Reason = "Cancelled on Amazon" }
                    : new CancelOrderRequest
                    {
                        Channel = AmazonTelemetry.Channel, PartnerId = partnerId, ChannelOrderId = order.AmazonOrderId, Reason = "Cancelled on Amazon",
                    };
                Order cancelled;
                using (telemetry.Start("order.cancel", System.Diagnostics.ActivityKind.Client))
                {
                    try
                    {
                        cancelled = await orders.CancelOrderAsync(cancel, deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
                    {
                        throw new UnmappableOrderException(AmazonProblemCodes.CancelRefused, $"OrderService would not cancel {order.AmazonOrderId}: {ex.Status.Detail}");
                    }
                }

                orderId = known?.OrderId ?? (Guid.TryParse(cancelled.OrderId, out var cancelledId) ? cancelledId : null);
                partnerId = known?.PartnerId ?? partnerId;
                outcome = orderId is not null ? "cancelled" : "cancelled_before_order";
                break;

            default:
                var request = CanonicalOrderMapper.ToSubmitRequest(order, partnerId);
                using (telemetry.Start("order.submit", System.Diagnostics.ActivityKind.Client))
                {
                    var response = await orders.SubmitOrderAsync(request, deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
                    orderId = Guid.TryParse(response.Order?.OrderId, out var parsed) ? parsed : null;
                    outcome = response.Outcome switch
                    {
                        SubmitOutcome.Created => "created",
                        SubmitOutcome.Updated => "updated",
                        _ => "unchanged",
                    };
                }

                break;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await AmazonOrderLinks.SaveAsync(
            new AmazonOrderLink(order.AmazonOrderId, orderId, partnerId, order.MarketplaceId, fulfillment, order.Status.ToString(), order.LastUpdated),
            connection, transaction, cancellationToken);
        await store.FinishAsync(ids, NotificationStore.Processed, outcome, null, cancellationToken, connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        telemetry.Order(outcome, fulfillment);
        return outcome;
    }

    private Task FinishAsync(List<string> ids, string outcome, string? error, CancellationToken cancellationToken) =>
        store.FinishAsync(ids, NotificationStore.Processed, outcome, error, cancellationToken);

    private async Task FailAsync(List<string> ids, string code, string reference, string message, string payload, CancellationToken cancellationToken)
    {
        logger.LogWarning("Amazon order {AmazonOrderId} needs an operator: {Code}", reference, code);
        await exceptions.RecordAsync(code, "order", reference, message, payload, cancellationToken);
        await store.FinishAsync(ids, NotificationStore.Failed, code, message, cancellationToken);
    }

    private static string Serialize(AmazonOrder? order) => order is null ? "{}" : JsonSerializer.Serialize(order, PayloadJson);

    private static bool IsRefusal(StatusCode status) =>
        status is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.OutOfRange;

    public static bool IsTransient(Exception ex) => ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
        or RpcException or OperationCanceledException or NpgsqlException or TimeoutException
        || (ex is SpApiException spApi && spApi.IsTransient);

    /// <summary>Exponential with jitter, capped: an outage slows retries down instead of hammering the partner.</summary>
    public static TimeSpan RetryDelay(int attempts, int maxSeconds)
    {
        var seconds = Math.Min(maxSeconds, Math.Pow(2, Math.Min(attempts, 16)));
        return TimeSpan.FromSeconds(seconds * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }
}
