using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Queries;
using Distribution.Aspire.OrderService.Submitting;
using Npgsql;

namespace Distribution.Aspire.OrderService.Lifecycle;

/// <summary>
/// Lifecycle steps asked for by callers: cancel (partner or channel), release, shipments, delivery, return.
/// Each runs in one transaction with the order row locked; asking for the status the order already has
/// is a retry and changes nothing, anything the state machine refuses is <c>illegal_transition</c>.
/// </summary>
public sealed class OrderLifecycle(NpgsqlDataSource database, IEventBus bus, OrderTelemetry telemetry, TimeProvider time, ILogger<OrderLifecycle> logger)
{
    public const string DefaultCancelReason = "cancelled by the channel";

    public Task<Order> CancelAsync(Guid orderId, string? partnerId, string? reason, CancellationToken cancellationToken)
    {
        var why = Reason(reason) ?? DefaultCancelReason;
        return ChangeAsync("cancel", orderId, partnerId, (transaction, head, now) => CancelLockedAsync(transaction, head, why, now, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Cancels by the channel's own order id. When the order has not arrived yet the cancellation is kept as
    /// an early fact and applied when it does (the order is then created and cancelled in one transaction);
    /// the answer is null in that case.
    /// </summary>
    public async Task<Order?> CancelByChannelOrderIdAsync(string? channel, string? partnerId, string? channelOrderId, string? reason, CancellationToken cancellationToken)
    {
        var validChannel = TextRules.Required(channel, "channel", OrderLimits.MaxIdLength, OrderCodes.ChannelRequired);
        var partner = TextRules.Required(partnerId, "partnerId", OrderLimits.MaxIdLength, OrderCodes.PartnerRequired);
        var key = TextRules.Required(channelOrderId, "channelOrderId", OrderLimits.MaxIdLength, OrderCodes.ChannelOrderIdRequired);
        var why = Reason(reason) ?? DefaultCancelReason;
        using var activity = telemetry.Start("cancel", validChannel);

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await OrderTransitions.LockChannelOrderIdAsync(transaction, validChannel, partner, key, cancellationToken);
        if (await OrderTransitions.LockAsync(transaction, validChannel, partner, key, cancellationToken) is { } head)
        {
            activity?.SetTag("order.id", head.OrderId.ToString());
            await CancelLockedAsync(transaction, head, why, time.UtcNowMicroseconds(), cancellationToken);
            var order = await OrderReader.GetAsync(connection, transaction, head.OrderId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return order;
        }

        await using (var command = new NpgsqlCommand(
            """
            INSERT INTO order_early_facts (channel, partner_id, channel_order_id, kind, reason, received_at)
            VALUES (@channel, @partner, @key, 'cancel', @reason, @now)
            ON CONFLICT DO NOTHING
            """,
            connection,
            transaction))
        {
            command.Parameters.AddWithValue("channel", validChannel);
            command.Parameters.AddWithValue("partner", partner);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("reason", why);
            command.Parameters.AddWithValue("now", time.UtcNowMicroseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        activity?.SetTag("order.cancel.early", true);
        logger.LogInformation("Cancellation of {Channel}/{PartnerId} order {ChannelOrderId} kept until the order arrives", validChannel, partner, key);
        return null;
    }

    public Task<Order> ReleaseAsync(Guid orderId, string? reason, CancellationToken cancellationToken)
    {
        var why = Reason(reason) ?? "released to fulfillment";
        return ChangeAsync("release", orderId, null, (transaction, head, now) => MoveOnceAsync(transaction, head, OrderStatus.Released, why, now, cancellationToken), cancellationToken);
    }

    public Task<Order> MarkDeliveredAsync(Guid orderId, string? reason, CancellationToken cancellationToken)
    {
        var why = Reason(reason) ?? "delivered";
        return ChangeAsync("deliver", orderId, null, (transaction, head, now) => DeliverLockedAsync(transaction, head, why, now, cancellationToken), cancellationToken);
    }

    /// <summary>Marks a locked order delivered (once; a delivered order is left as it is) and publishes order.delivered.</summary>
    public async Task DeliverLockedAsync(NpgsqlTransaction transaction, OrderHead head, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await MoveOnceAsync(transaction, head, OrderStatus.Delivered, reason, now, cancellationToken))
        {
            await bus.PublishAsync(new OrderDelivered(head.OrderId, head.Channel, head.PartnerId, now), transaction, cancellationToken);
        }
    }

    public Task<Order> MarkReturnedAsync(Guid orderId, string? reason, CancellationToken cancellationToken)
    {
        var why = Reason(reason) ?? "returned";
        return ChangeAsync("return", orderId, null, (transaction, head, now) => MoveOnceAsync(transaction, head, OrderStatus.Returned, why, now, cancellationToken), cancellationToken);
    }

    public Task<Order> RecordShipmentAsync(ShipmentReport shipment, CancellationToken cancellationToken)
    {
        var valid = ValidateShipment(shipment);
        return ChangeAsync("ship", shipment.OrderId, null, (transaction, head, now) => RecordShipmentLockedAsync(transaction, head, valid, now, cancellationToken), cancellationToken);
    }

    /// <summary>The shipment with its texts checked (<c>invalid_shipment</c>, <c>field_too_long</c>, <c>invalid_text</c>) and blanks as null.</summary>
    public static ShipmentReport ValidateShipment(ShipmentReport shipment)
    {
        var shipmentId = TextRules.Required(shipment.ShipmentId, "shipmentId", OrderLimits.MaxIdLength, OrderCodes.InvalidShipment);
        var carrier = TextRules.Optional(shipment.Carrier, "carrier", OrderLimits.MaxIdLength);
        var tracking = TextRules.Optional(shipment.TrackingNumber, "trackingNumber", OrderLimits.MaxReferenceLength);
        if (shipment.Lines is not { Count: > 0 and <= OrderLimits.MaxLines } shipped)
        {
            throw OrderRejectedException.Invalid(OrderCodes.InvalidShipment, $"A shipment needs 1 to {OrderLimits.MaxLines} lines.", "lines");
        }

        for (var i = 0; i < shipped.Count; i++)
        {
            TextRules.Required(shipped[i].LineId, $"lines[{i}].lineId", OrderLimits.MaxIdLength, OrderCodes.InvalidShipment);
        }

        return shipment with { ShipmentId = shipmentId, Carrier = carrier, TrackingNumber = tracking };
    }

    /// <summary>
    /// Records a validated shipment of a locked order: once per shipment id, in released or partially shipped,
    /// never more than was ordered; publishes order.shipped. Answers the order as it is afterwards.
    /// </summary>
    public async Task<OrderHead> RecordShipmentLockedAsync(NpgsqlTransaction transaction, OrderHead head, ShipmentReport shipment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shipmentId = shipment.ShipmentId!;
        var shipped = shipment.Lines!;
        if (!await TryRecordShipmentAsync(transaction, head.OrderId, shipment, now, cancellationToken))
        {
            return head; // this shipment is already recorded
        }

        if (head.Status is not (OrderStatus.Released or OrderStatus.PartiallyShipped))
        {
            OrderStateMachine.EnsureCanMove(head.Status, OrderStatus.Shipped, head.MarketplaceFulfilled);
        }

        var (lines, complete) = await ApplyShippedQuantitiesAsync(transaction, head.OrderId, shipped, cancellationToken);
        var units = shipped.Sum(l => l.Quantity);
        var reason = $"shipment {shipmentId}: {units} unit(s){(shipment.Carrier is null ? string.Empty : $" by {shipment.Carrier}")}";
        if (complete || head.Status != OrderStatus.PartiallyShipped)
        {
            head = await OrderTransitions.MoveAsync(transaction, head, complete ? OrderStatus.Shipped : OrderStatus.PartiallyShipped, reason, now, telemetry, cancellationToken);
        }
        else
        {
            await OrderTransitions.NoteAsync(transaction, head, reason, now, cancellationToken);
        }

        await bus.PublishAsync(
            new OrderShipped(head.OrderId, head.Channel, head.PartnerId, shipmentId, lines, complete, shipment.Carrier, shipment.TrackingNumber, now), transaction, cancellationToken);
        return head;
    }

    private async Task<Order> ChangeAsync(
        string step, Guid orderId, string? partnerId, Func<NpgsqlTransaction, OrderHead, DateTimeOffset, Task> change, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start(step, orderId: orderId);
        string? channel = null;
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var head = await OrderTransitions.LockAsync(transaction, orderId, cancellationToken);
            if (head is null || (partnerId is not null && head.PartnerId != partnerId))
            {
                // Another partner's order is reported exactly like a missing one.
                throw OrderRejectedException.NotFound($"No order {orderId}.");
            }

            channel = head.Channel;
            activity?.SetTag("order.channel", channel);
            await change(transaction, head, time.UtcNowMicroseconds());
            var order = (await OrderReader.GetAsync(connection, transaction, orderId, cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            return order;
        }
        catch (OrderRejectedException rejected)
        {
            telemetry.CountRejected(channel, rejected.Code);
            activity?.SetStatus(ActivityStatusCode.Error, rejected.Code);
            throw;
        }
    }

    private async Task CancelLockedAsync(NpgsqlTransaction transaction, OrderHead head, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await MoveOnceAsync(transaction, head, OrderStatus.Cancelled, $"cancelled: {reason}", now, cancellationToken))
        {
            await bus.PublishAsync(new OrderCancelled(head.OrderId, head.Channel, head.PartnerId, reason, now), transaction, cancellationToken);
            logger.LogInformation("Order {OrderId} cancelled ({Channel})", head.OrderId, head.Channel);
        }
    }

    /// <summary>Moves the order unless it is already there (a retried request); false when nothing changed.</summary>
    private async Task<bool> MoveOnceAsync(NpgsqlTransaction transaction, OrderHead head, OrderStatus to, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (head.Status == to)
        {
            return false;
        }

        await OrderTransitions.MoveAsync(transaction, head, to, reason, now, telemetry, cancellationToken);
        return true;
    }

    private static async Task<bool> TryRecordShipmentAsync(
        NpgsqlTransaction transaction, Guid orderId, ShipmentReport shipment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO order_shipments (order_id, shipment_id, lines, carrier, tracking_number, recorded_at, fulfillment_shipment_id)
            VALUES (@order, @shipment, @lines, @carrier, @tracking, @now, @fulfillment_shipment)
            ON CONFLICT DO NOTHING
            """,
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("shipment", shipment.ShipmentId!);
        command.Parameters.Add(new NpgsqlParameter("lines", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(shipment.Lines!.Select(l => new { l.LineId, l.Quantity })) });
        command.Parameters.AddWithValue("carrier", (object?)shipment.Carrier ?? DBNull.Value);
        command.Parameters.AddWithValue("tracking", (object?)shipment.TrackingNumber ?? DBNull.Value);
        command.Parameters.AddWithValue("fulfillment_shipment", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)shipment.FulfillmentShipmentId ?? DBNull.Value);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Adds the shipped units to the lines; refuses unknown lines and shipping more than was ordered.</summary>
    private static async Task<(List<OrderedLine> Shipped, bool Complete)> ApplyShippedQuantitiesAsync(
        NpgsqlTransaction transaction, Guid orderId, IReadOnlyList<ShippedLineInput> shipped, CancellationToken cancellationToken)
    {
        var current = new Dictionary<string, (string Sku, int Quantity, int Shipped)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT line_id, sku, quantity, shipped_quantity FROM order_lines WHERE order_id = @id", transaction.Connection, transaction))
        {
            command.Parameters.AddWithValue("id", orderId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                current[reader.GetString(0)] = (reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3));
            }
        }

        var result = new List<OrderedLine>();
        foreach (var line in shipped)
        {
            if (line.LineId is null || !current.TryGetValue(line.LineId, out var known))
            {
                throw OrderRejectedException.Invalid(OrderCodes.InvalidShipment, $"The order has no line \"{line.LineId}\".", "lines");
            }

            if (line.Quantity <= 0 || known.Shipped + line.Quantity > known.Quantity)
            {
                throw OrderRejectedException.Invalid(
                    OrderCodes.InvalidShipment, $"Line \"{line.LineId}\": {line.Quantity} more unit(s) would exceed the {known.Quantity} ordered ({known.Shipped} shipped).", "lines");
            }

            current[line.LineId] = known with { Shipped = known.Shipped + line.Quantity };
            result.Add(new OrderedLine(line.LineId, known.Sku, line.Quantity));
        }

        await using (var update = new NpgsqlCommand(
            "UPDATE order_lines l SET shipped_quantity = u.shipped FROM unnest(@ids::text[], @shipped::int[]) AS u(line_id, shipped) WHERE l.order_id = @id AND l.line_id = u.line_id",
            transaction.Connection,
            transaction))
        {
            update.Parameters.AddWithValue("id", orderId);
            update.Parameters.AddWithValue("ids", current.Keys.ToArray());
            update.Parameters.AddWithValue("shipped", current.Values.Select(v => v.Shipped).ToArray());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return (result, current.Values.All(v => v.Shipped == v.Quantity));
    }

    private static string? Reason(string? reason) => TextRules.Optional(reason, "reason", OrderLimits.MaxReasonLength);
}
