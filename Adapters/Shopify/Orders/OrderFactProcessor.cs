using System.Security.Cryptography;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Distribution.Aspire.Adapters.Shopify.Webhooks;
using Distribution.Aspire.Contracts.Orders.V1;
using Distribution.Aspire.ServiceDefaults.Errors;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Orders;

/// <summary>
/// Applies an orders/* delivery. Every such body is the whole order as Shopify had it at <c>updated_at</c>, so facts
/// are ordered by that time, per order, under a row lock: a fact older than the one applied is stale and skipped,
/// whatever order the deliveries arrive in. An update before the create simply creates the order (SubmitOrder is
/// idempotent and takes changes); a cancellation before the create submits the order and cancels it, so the order
/// service holds it as cancelled; a create arriving after either is stale. Once cancelled, an order takes no more facts.
/// A fact as new as the applied one is submitted only if it asks for something else: updated_at has whole seconds, so
/// two changes can share it, while the same state sent again under another webhook id is a duplicate.
/// </summary>
public sealed class OrderFactProcessor(Contracts.Orders.V1.Orders.OrdersClient orders, ShopifyTelemetry telemetry, IOptions<ShopifyOptions> options, ILogger<OrderFactProcessor> logger)
{
    public async Task<ProcessingResult> ProcessAsync(DeliveryContext context, CancellationToken cancellationToken)
    {
        var delivery = context.Delivery;
        if (OrderFact.TryRead(context.Body) is not { } fact)
        {
            return await context.ExceptionAsync(ExceptionStage.Mapping, ShopifyCodes.SchemaViolation,
                "The order has no numeric id or no updated_at/created_at timestamp.", null, cancellationToken);
        }

        using var activity = telemetry.Start("order.apply", delivery.Topic);
        activity?.SetTag("shopify.order_id", fact.ShopifyOrderId);
        var state = await LockStateAsync(context, fact.ShopifyOrderId, cancellationToken);
        if (state.CancelledAt is not null)
        {
            return ProcessingResult.Skipped("already_cancelled");
        }

        if (state.LastUpdatedAt is { } applied && fact.UpdatedAt < applied)
        {
            return ProcessingResult.Skipped("stale");
        }

        var (skus, variants) = ShopifyOrderMapper.ReferencedItems(context.Body);
        var catalog = await SkuMapStore.LoadCatalogAsync(context.Connection, context.Transaction, skus, variants, options.Value.RequireKnownSku, cancellationToken);
        var mapping = ShopifyOrderMapper.Map(context.Body, delivery.PartnerId, catalog);
        if (!mapping.Succeeded)
        {
            return await context.ExceptionAsync(ExceptionStage.Mapping, mapping.Code!, mapping.Reason!, fact.ShopifyOrderId, cancellationToken);
        }

        var cancelled = fact.CancelledAt ?? (delivery.Topic == WebhookTopics.OrdersCancelled ? fact.UpdatedAt : null);
        var request = SHA256.HashData(mapping.Request!.ToByteArray());
        if (fact.UpdatedAt == state.LastUpdatedAt && cancelled is null && state.LastSubmitted is { } last && request.AsSpan().SequenceEqual(last))
        {
            return ProcessingResult.Skipped("duplicate");
        }

        SubmitOrderResponse submitted;
        try
        {
            submitted = await orders.SubmitOrderAsync(mapping.Request!, cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (IsRefusal(ex))
        {
            return await context.ExceptionAsync(ExceptionStage.OrderService, RefusalCode(ex), $"SubmitOrder refused: {ex.Status.Detail}", fact.ShopifyOrderId, cancellationToken);
        }

        var orderId = Guid.Parse(submitted.Order.OrderId);
        activity?.SetTag("order.id", orderId.ToString());
        var outcome = submitted.Outcome switch
        {
            SubmitOutcome.Created => "created",
            SubmitOutcome.Updated => "updated",
            _ => "unchanged",
        };

        if (cancelled is not null && submitted.Order.Status != OrderStatus.Cancelled)
        {
            if (await CancelAsync(context, orderId, fact, cancellationToken) is { } refused)
            {
                return refused;
            }

            outcome = "cancelled";
        }

        await SaveStateAsync(context, fact, orderId, cancelled, request, cancellationToken);
        logger.LogInformation("Shopify order {ShopifyOrderId} ({Topic}) → order {OrderId}: {Outcome}", fact.ShopifyOrderId, delivery.Topic, orderId, outcome);
        return ProcessingResult.Processed(outcome);
    }

    private async Task<ProcessingResult?> CancelAsync(DeliveryContext context, Guid orderId, OrderFact fact, CancellationToken cancellationToken)
    {
        var reason = "cancelled in Shopify" + (fact.CancelReason is { } why ? $" ({why})" : string.Empty);
        try
        {
            await orders.CancelOrderAsync(
                new CancelOrderRequest { OrderId = orderId.ToString(), PartnerId = context.Delivery.PartnerId, Reason = reason },
                cancellationToken: cancellationToken);
            return null;
        }
        catch (RpcException ex) when (IsRefusal(ex))
        {
            // Typically shipped already: people have to sort out the goods, so it goes on the list.
            return await context.ExceptionAsync(ExceptionStage.OrderService, ShopifyCodes.CancelRefused,
                $"CancelOrder refused ({RefusalCode(ex)}): {ex.Status.Detail}", fact.ShopifyOrderId, cancellationToken);
        }
    }

    private static async Task<OrderState> LockStateAsync(DeliveryContext context, long shopifyOrderId, CancellationToken cancellationToken)
    {
        // Create-if-missing and lock in one round trip: the select sees the row the insert just made.
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    """
                    INSERT INTO shopify_orders (shop_domain, shopify_order_id, partner_id) VALUES ($1, $2, $3)
                    ON CONFLICT (shop_domain, shopify_order_id) DO NOTHING
                    """)
                {
                    Parameters = { new() { Value = context.Delivery.ShopDomain }, new() { Value = shopifyOrderId }, new() { Value = context.Delivery.PartnerId } },
                },
                new NpgsqlBatchCommand("SELECT last_updated_at, cancelled_at, last_submitted_sha256 FROM shopify_orders WHERE shop_domain = $1 AND shopify_order_id = $2 FOR UPDATE")
                {
                    Parameters = { new() { Value = context.Delivery.ShopDomain }, new() { Value = shopifyOrderId } },
                },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OrderState(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2));
    }

    private static async Task SaveStateAsync(DeliveryContext context, OrderFact fact, Guid orderId, DateTimeOffset? cancelledAt, byte[] submittedSha256, CancellationToken cancellationToken)
    {
        await using var update = context.Command("""
            UPDATE shopify_orders SET order_id = @order, name = @name, financial_status = @financial, last_updated_at = @updated,
                cancelled_at = @cancelled, last_delivery_id = @delivery, last_submitted_sha256 = @submitted, changed_at = now()
            WHERE shop_domain = @shop AND shopify_order_id = @id
            """);
        update.Parameters.AddWithValue("order", orderId);
        update.Parameters.AddWithValue("name", NpgsqlDbType.Text, (object?)fact.Name ?? DBNull.Value);
        update.Parameters.AddWithValue("financial", NpgsqlDbType.Text, (object?)fact.FinancialStatus ?? DBNull.Value);
        update.Parameters.AddWithValue("updated", fact.UpdatedAt.ToUniversalTime());
        update.Parameters.AddWithValue("cancelled", NpgsqlDbType.TimestampTz, cancelledAt is { } at ? at.ToUniversalTime() : DBNull.Value);
        update.Parameters.AddWithValue("delivery", context.Delivery.DeliveryId);
        update.Parameters.AddWithValue("submitted", submittedSha256);
        update.Parameters.AddWithValue("shop", context.Delivery.ShopDomain);
        update.Parameters.AddWithValue("id", fact.ShopifyOrderId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The order service said no on the merits (bad order, illegal state): retrying the same request cannot help.</summary>
    private static bool IsRefusal(RpcException ex) =>
        ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound or StatusCode.AlreadyExists or StatusCode.OutOfRange;

    private static string RefusalCode(RpcException ex) =>
        GrpcRefusal.CodeOf(ex) is { Length: <= 64 } code ? code : ShopifyCodes.OrderRejected;

    private sealed record OrderState(DateTimeOffset? LastUpdatedAt, DateTimeOffset? CancelledAt, byte[]? LastSubmitted);
}
