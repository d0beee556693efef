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
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.UtcNowMicroseconds();
        var orderId = Guid.CreateVersion7(now);
        var (inserted, earlyCancel) = await TryInsertAsync(transaction, orderId, order, now, cancellationToken);
        if (inserted)
        {
            var created = await CompleteCreationAsync(transaction, orderId, order, earlyCancel, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation(
                "Order {OrderId} created for {Channel}/{PartnerId} ({ChannelOrderId}), {LineCount} lines, now {Status}",
                orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.Lines.Count, created.Status.ToWire());
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
        var lines = order.Lines;
        var insertOrder = new NpgsqlBatchCommand(
            """
            INSERT INTO orders (order_id, channel, partner_id, channel_order_id, customer_reference, ship_to_name, ship_to_line1, ship_to_line2,
                ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country, currency, subtotal, discount_total, tax_total, total,
                fulfillment_channel, requested_ship_by, priority, status, lines_hash, header_hash, version, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 'received', $21, $22, 1, $23, $23)
            ON CONFLICT ON CONSTRAINT orders_channel_order_unique DO NOTHING
            """);
        foreach (var value in new object?[]
        {
            orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.CustomerReference, order.ShipTo.Name, order.ShipTo.Line1,
            order.ShipTo.Line2, order.ShipTo.City, order.ShipTo.Region, order.ShipTo.PostalCode, order.ShipTo.Country, order.Currency,
            order.Totals.Subtotal, order.Totals.Discount, order.Totals.Tax, order.Totals.Total, order.FulfillmentChannel, order.RequestedShipBy,
            order.Priority, order.LinesHash, order.HeaderHash, now,
        })
        {
            insertOrder.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        // Inserted rows are visible to later statements of the transaction, so "exists" means "we just created it".
        var insertLines = new NpgsqlBatchCommand(
            """
            INSERT INTO order_lines (order_id, line_number, line_id, sku, quantity, unit_price, discount, tax, total)
            SELECT $1, l.* FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[]) AS l
            WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = $1)
            """)
        {
            Parameters =
            {
                new() { Value = orderId },
                new() { Value = Enumerable.Range(1, lines.Count).ToArray() },
                new() { Value = lines.Select(l => l.LineId).ToArray() },
                new() { Value = lines.Select(l => l.Sku).ToArray() },
                new() { Value = lines.Select(l => l.Quantity).ToArray() },
                new() { Value = lines.Select(l => l.UnitPrice).ToArray() },
                new() { Value = lines.Select(l => l.Discount).ToArray() },
                new() { Value = lines.Select(l => l.Tax).ToArray() },
                new() { Value = lines.Select(l => l.Total).ToArray() },
            },
        };
        var insertHistory = new NpgsqlBatchCommand(
            "INSERT INTO order_status_history (order_id, status, reason, at) SELECT $1, 'received', $2, $3 WHERE EXISTS (SELECT 1 FROM orders WHERE order_id = $1)")
        {
            Parameters = { new() { Value = orderId }, new() { Value = $"received from {order.Channel}" }, new() { Value = now } },
        };
        var earlyFacts = new NpgsqlBatchCommand(
            "SELECT kind, reason FROM order_early_facts WHERE channel = $1 AND partner_id = $2 AND channel_order_id = $3 AND applied_at IS NULL")
        {
            Parameters = { new() { Value = order.Channel }, new() { Value = order.PartnerId }, new() { Value = order.ChannelOrderId } },
        };

        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands = { KeyLock(order), insertOrder, insertLines, insertHistory, earlyFacts },
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

    private static NpgsqlBatchCommand KeyLock(ValidOrder order) =>
        new("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        {
            Parameters = { new() { Value = OrderTransitions.ChannelOrderKey(order.Channel, order.PartnerId, order.ChannelOrderId) } },
        };

    private async Task<Order> CompleteCreationAsync(
        NpgsqlTransaction transaction, Guid orderId, ValidOrder order, string? earlyCancelReason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        telemetry.CountTransition(order.Channel, OrderStatus.Received);
        await bus.PublishAsync(
            new OrderReceived(
                orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.FulfillmentChannel, order.Priority, now,
                order.Lines.Select(l => new OrderedLine(l.LineId, l.Sku, l.Quantity)).ToList()),
            transaction,
            cancellationToken);

        var head = new OrderHead(orderId, order.Channel, order.PartnerId, order.ChannelOrderId, OrderStatus.Received, order.FulfillmentChannel, 1);
        var history = new List<StatusChange> { new(OrderStatus.Received, now, $"received from {order.Channel}") };
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
            const string reason = "accepted: marketplace-fulfilled, no stock of ours reserved";
            head = await OrderTransitions.MoveAsync(transaction, head, OrderStatus.Accepted, reason, now, telemetry, cancellationToken);
            history.Add(new StatusChange(OrderStatus.Accepted, now, reason));
            await bus.PublishAsync(
                new OrderAccepted(orderId, order.Channel, order.PartnerId, order.FulfillmentChannel, now, []), transaction, cancellationToken);
        }

        return new Order(
            orderId, order.Channel, order.PartnerId, order.ChannelOrderId, order.CustomerReference, order.ShipTo, order.Currency, order.Lines,
            order.Totals, order.FulfillmentChannel, order.RequestedShipBy, order.Priority, head.Status, history, now, now, head.Version);
    }

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
