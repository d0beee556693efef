using System.Diagnostics;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;
using Distribution.Aspire.OrderService.Queries;
using Npgsql;

namespace Distribution.Aspire.OrderService.Submitting;

/// <summary>
/// SubmitOrder: idempotent on (channel, partner, channel order id). The first submission creates the order
/// and publishes order.received (and applies any fact that arrived before it); the same content again
/// changes nothing; changed content is applied only while the state allows it.
/// </summary>
public sealed class OrderSubmitter(NpgsqlDataSource database, IEventBus bus, OrderTelemetry telemetry, TimeProvider time, ILogger<OrderSubmitter> logger)
{
    private const string MarketplaceAcceptedReason = "accepted: marketplace-fulfilled, no stock of ours reserved";

    public async Task<SubmitResult> SubmitAsync(OrderSubmission submission, CancellationToken cancellationToken)
    {
        var channel = submission.Channel is { Length: > 0 and <= OrderLimits.MaxIdLength } named ? named : "unknown";
        using var activity = telemetry.Start("submit", channel);
        telemetry.Submitted.Add(1, new KeyValuePair<string, object?>("channel", channel));
        try
        {
            var order = OrderValidator.Validate(submission);
            var result = await SaveAsync(order, cancellationToken);
            activity?.SetTag("order.id", result.Order.OrderId.ToString());
            activity?.SetTag("order.submit.outcome", result.Outcome.ToString().ToLowerInvariant());
            var counter = result.Outcome switch
            {
                SubmitOutcome.Created => telemetry.Created,
                SubmitOutcome.Updated => telemetry.Updated,
                _ => telemetry.Duplicates,
            };
            counter.Add(1, new KeyValuePair<string, object?>("channel", channel));
            return result;
        }
        catch (OrderRejectedException rejected)
        {
            telemetry.CountRejected(channel, rejected.Code);
            activity?.SetStatus(ActivityStatusCode.Error, rejected.Code);
            throw;
        }
    }

    private async Task<SubmitResult> SaveAsync(ValidOrder order, CancellationToken cancellationToken)
    {
        var now = time.UtcNowMicroseconds();
        var orderId = Guid.CreateVersion7(now);
        if (await TryCreateInOneRoundTripAsync(orderId, order, now, cancellationToken) is { } created)
        {
            LogCreated(created);
            return new SubmitResult(created, SubmitOutcome.Created);
        }

        return await SaveInTransactionAsync(orderId, order, now, cancellationToken);
    }

    /// <summary>
    /// The common case, a new order with nothing waiting for it: order, lines, history and events in one
    /// round trip (one implicit transaction). A known key (unique violation) or a waiting early fact (the
    /// check raises) rolls all of it back, and <see cref="SaveInTransactionAsync"/> takes over.
    /// </summary>
    private async Task<Order?> TryCreateInOneRoundTripAsync(Guid orderId, ValidOrder order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var history = new List<StatusChange> { new(OrderStatus.Received, now, ReceivedReason(order)) };
        if (order.MarketplaceFulfilled)
        {
            OrderStateMachine.EnsureCanMove(OrderStatus.Received, OrderStatus.Accepted, marketplaceFulfilled: true);
            history.Add(new StatusChange(OrderStatus.Accepted, now, MarketplaceAcceptedReason));
        }

        var status = history[^1].Status;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var batch = bus.CreateBatch(connection);
        batch.Add(OrderInserts.KeyLock(order))
            .Add(OrderInserts.AssertNoEarlyFact(order))
            .Add(OrderInserts.Order(orderId, order, status, history.Count, now, ifNew: false))
            .Add(OrderInserts.Lines(orderId, order.Lines, ifInserted: false));
        history.ForEach(change => batch.Add(OrderInserts.History(orderId, change, ifInserted: false)));
        batch.Publish(Received(orderId, order, now));
        if (order.MarketplaceFulfilled)
        {
            batch.Publish(new OrderAccepted(orderId, order.Channel, order.PartnerId, order.FulfillmentChannel, now, []));
        }

        try
        {
            await batch.CommitAsync(cancellationToken);
        }
        catch (PostgresException e) when (
            (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == OrderInserts.UniqueChannelOrder) || e.SqlState == OrderInserts.EarlyFactWaiting)
        {
            return null;
        }

        history.ForEach(change => telemetry.CountTransition(order.Channel, change.Status));
        if (order.MarketplaceFulfilled)
        {
            // Accepted in the same statement that received it: nothing to wait for, so no SLA to miss.
            telemetry.RecordRelease(order.PartnerId, order.Channel, TimeSpan.Zero);
        }

        return NewOrder(orderId, order, status, history, now);
    }

    /// <summary>Known keys (resubmissions, updates) and new orders that a fact waits for.</summary>
    private async Task<SubmitResult> SaveInTransactionAsync(Guid orderId, ValidOrder order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (inserted, earlyCancel) = await TryInsertAsync(transaction, orderId, order, now, cancellationToken);
        if (inserted)
        {
            var created = await CompleteCreationAsync(transaction, orderId, order, earlyCancel, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogCreated(created);
            return new SubmitResult(created, SubmitOutcome.Created);
        }

        // The key lock taken by TryInsertAsync makes the row visible and stable here.
        var head = await OrderTransitions.LockAsync(transaction, order.Channel, order.PartnerId, order.ChannelOrderId, cancellationToken)
            ?? throw new InvalidOperationException("The order's key conflicted but its row is gone.");
        var existing = (await OrderReader.GetAsync(connection, transaction, head.OrderId, cancellationToken))!;
        var (linesHash, headerHash) = await ReadHashesAsync(transaction, head.OrderId, cancellationToken);
        var linesChanged = !linesHash.AsSpan().SequenceEqual(order.LinesHash);
        if (!linesChanged && headerHash.AsSpan().SequenceEqual(order.HeaderHash))
        {
            return new SubmitResult(existing, SubmitOutcome.Unchanged);
        }

        if (!OrderStateMachine.IsModifiable(head.Status))
        {
            throw OrderRejectedException.Conflict(
                OrderCodes.OrderNotModifiable, $"The order is {head.Status.ToWire()}; it can no longer be changed by the channel.");
        }

        if (linesChanged)
        {
            throw OrderRejectedException.Conflict(
                OrderCodes.OrderLinesLocked,
                "Lines, currency and fulfillment channel are fixed once an order is received (inventory is already reserving them); " +
                "cancel it and submit a new channel order id instead.");
        }

        var changed = ChangedHeaderFields(existing, order);
        await UpdateHeaderAsync(transaction, head.OrderId, order, cancellationToken);
        await OrderTransitions.NoteAsync(transaction, head, $"updated by the channel: {string.Join(", ", changed)}", now, cancellationToken);
        var updated = (await OrderReader.GetAsync(connection, transaction, head.OrderId, cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Order {OrderId} updated by {Channel}: {Fields}", head.OrderId, order.Channel, string.Join(", ", changed));
        return new SubmitResult(updated, SubmitOutcome.Updated);
    }

    /// <summary>
    /// One round trip: the key lock, the order with its lines and first history entry (only if the key is
    /// new: ON CONFLICT, never check-then-insert), and any early fact waiting for this key.
    /// </summary>
    private static async Task<(bool Inserted, string? EarlyCancelReason)> TryInsertAsync(
        NpgsqlTransaction transaction, Guid orderId, ValidOrder order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var insertOrder = OrderInserts.Order(orderId, order, OrderStatus.Received, 1, now, ifNew: true);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                OrderInserts.KeyLock(order),
                insertOrder,
                OrderInserts.Lines(orderId, order.Lines, ifInserted: true),
                OrderInserts.History(orderId, new StatusChange(OrderStatus.Received, now, ReceivedReason(order)), ifInserted: true),
                OrderInserts.PendingEarlyFacts(order),
            },
        };
        string? cancelReason = null;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // The key lock's result comes first; the early facts after it.
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetString(0) == "cancel")
                {
                    cancelReason = reader.GetString(1);
                }
            }
        }

        return (insertOrder.RecordsAffected == 1, cancelReason);
    }

    private async Task<Order> CompleteCreationAsync(
        NpgsqlTransaction transaction, Guid orderId, ValidOrder order, string? earlyCancelReason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        telemetry.CountTransition(order.Channel, OrderStatus.Received);
        await bus.PublishAsync(Received(orderId, order, now), transaction, cancellationToken);

        var head = new OrderHead(orderId, order.Channel, order.PartnerId, order.ChannelOrderId, OrderStatus.Received, order.FulfillmentChannel, 1);
        var history = new List<StatusChange> { new(OrderStatus.Received, now, ReceivedReason(order)) };
        if (earlyCancelReason is not null)
        {
            // The cancellation overtook the order: it is applied now, so the order exists, and is cancelled, in one step.
            var reason = $"cancelled before the order arrived: {earlyCancelReason}";
            head = await OrderTransitions.MoveAsync(transaction, head, OrderStatus.Cancelled, reason, now, telemetry, cancellationToken);
            history.Add(new StatusChange(OrderStatus.Cancelled, now, reason));
            await MarkEarlyFactAppliedAsync(transaction, order, orderId, now, cancellationToken);
            await bus.PublishAsync(new OrderCancelled(orderId, order.Channel, order.PartnerId, earlyCancelReason, now), transaction, cancellationToken);
        }
        else if (order.MarketplaceFulfilled)
        {
            // The marketplace ships it from its own stock: nothing of ours to reserve, so it is accepted at once.
            head = await OrderTransitions.MoveAsync(transaction, head, OrderStatus.Accepted, MarketplaceAcceptedReason, now, telemetry, cancellationToken);
            history.Add(new StatusChange(OrderStatus.Accepted, now, MarketplaceAcceptedReason));
            await bus.PublishAsync(
                new OrderAccepted(orderId, order.Channel, order.PartnerId, order.FulfillmentChannel, now, []), transaction, cancellationToken);
        }

        return NewOrder(orderId, order, head.Status, history, now);
    }

    private static Order NewOrder(Guid orderId, ValidOrder order, OrderStatus status, List<StatusChange> history, DateTimeOffset now) => new(
        orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.CustomerReference, order.ShipTo, order.Currency, order.Lines,
        order.Totals, order.FulfillmentChannel, order.RequestedShipBy, order.Priority, status, history, now, now, history.Count);

    private static OrderReceived Received(Guid orderId, ValidOrder order, DateTimeOffset now) => new(
        orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.FulfillmentChannel, order.Priority, now,
        order.Lines.Select(l => new OrderedLine(l.LineId, l.Sku, l.Quantity)).ToList());

    private static string ReceivedReason(ValidOrder order) => $"received from {order.Channel}";

    private void LogCreated(Order order) =>
        logger.LogInformation(
            "Order {OrderId} created for {Channel}/{PartnerId} ({ChannelOrderId}), {LineCount} lines, now {Status}",
            order.OrderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.Lines.Count, order.Status.ToWire());

    private static async Task MarkEarlyFactAppliedAsync(NpgsqlTransaction transaction, ValidOrder order, Guid orderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE order_early_facts SET applied_at = @now, order_id = @order WHERE channel = @channel AND partner_id = @partner AND channel_order_id = @key AND kind = 'cancel'",
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("channel", order.Channel);
        command.Parameters.AddWithValue("partner", order.PartnerId);
        command.Parameters.AddWithValue("key", order.ChannelOrderId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<(byte[] Lines, byte[] Header)> ReadHashesAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT lines_hash, header_hash FROM orders WHERE order_id = @id", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }

    private static async Task UpdateHeaderAsync(NpgsqlTransaction transaction, Guid orderId, ValidOrder order, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE orders SET customer_reference = @reference, ship_to_name = @name, ship_to_line1 = @line1, ship_to_line2 = @line2,
                ship_to_city = @city, ship_to_region = @region, ship_to_postal_code = @postal, ship_to_country = @country,
                requested_ship_by = @ship_by, priority = @priority, header_hash = @hash
            WHERE order_id = @id
            """,
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("reference", (object?)order.CustomerReference ?? DBNull.Value);
        command.Parameters.AddWithValue("name", order.ShipTo.Name);
        command.Parameters.AddWithValue("line1", order.ShipTo.Line1);
        command.Parameters.AddWithValue("line2", (object?)order.ShipTo.Line2 ?? DBNull.Value);
        command.Parameters.AddWithValue("city", order.ShipTo.City);
        command.Parameters.AddWithValue("region", order.ShipTo.Region);
        command.Parameters.AddWithValue("postal", order.ShipTo.PostalCode);
        command.Parameters.AddWithValue("country", order.ShipTo.Country);
        command.Parameters.AddWithValue("ship_by", (object?)order.RequestedShipBy ?? DBNull.Value);
        command.Parameters.AddWithValue("priority", order.Priority);
        command.Parameters.AddWithValue("hash", order.HeaderHash);
        command.Parameters.AddWithValue("id", orderId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<string> ChangedHeaderFields(Order existing, ValidOrder order)
    {
        var changed = new List<string>();
        if (existing.ShipTo != order.ShipTo)
        {
            changed.Add("shipTo");
        }

        if (existing.CustomerReference != order.CustomerReference)
        {
            changed.Add("customerReference");
        }

        if (existing.RequestedShipBy != order.RequestedShipBy)
        {
            changed.Add("requestedShipBy");
        }

        if (existing.Priority != order.Priority)
        {
            changed.Add("priority");
        }

        return changed;
    }
}
