using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Sla;
using Distribution.Aspire.Messaging.Publishing;
using Npgsql;

namespace Distribution.Aspire.OrderService.Lifecycle;

/// <summary>
/// The only code that changes an order's status: it asks the state machine, bumps the version, writes
/// the history entry and counts the transition, all in the caller's transaction.
/// </summary>
public static class OrderTransitions
{
    private const string HeadColumns = "order_id, channel, partner_id, channel_order_id, status, fulfillment_channel, version, created_at";

    /// <summary>The order row, locked for the rest of the transaction, or null when there is none.</summary>
    public static async Task<OrderHead?> LockAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {HeadColumns} FROM orders WHERE order_id = @id FOR UPDATE", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        return await ReadHeadAsync(command, cancellationToken);
    }

    public static async Task<OrderHead?> LockAsync(NpgsqlTransaction transaction, string channel, string partnerId, string channelOrderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {HeadColumns} FROM orders WHERE channel = @channel AND partner_id = @partner AND channel_order_id = @channel_order_id FOR UPDATE",
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("channel_order_id", channelOrderId);
        return await ReadHeadAsync(command, cancellationToken);
    }

    /// <summary>
    /// Serializes everything about one channel order id (its creation, an early cancellation) for the rest
    /// of the transaction, including the moment before the order row exists, which a row lock cannot cover.
    /// </summary>
    public static async Task LockChannelOrderIdAsync(NpgsqlTransaction transaction, string channel, string partnerId, string channelOrderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", transaction.Connection, transaction);
        command.Parameters.AddWithValue("key", ChannelOrderKey(channel, partnerId, channelOrderId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string ChannelOrderKey(string channel, string partnerId, string channelOrderId) => $"order:{channel}\u001f{partnerId}\u001f{channelOrderId}";

    public static async Task<OrderHead> MoveAsync(
        NpgsqlTransaction transaction, OrderHead head, OrderStatus to, string reason, DateTimeOffset at, OrderTelemetry telemetry, CancellationToken cancellationToken)
    {
        OrderStateMachine.EnsureCanMove(head.Status, to, head.MarketplaceFulfilled);
        using var activity = StartTransition(head, to, telemetry);
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { MoveCommand(head.OrderId, to, at), HistoryCommand(head.OrderId, to, reason, at) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return await MovedAsync(transaction, new PlannedMove(head, to, at), telemetry, cancellationToken);
    }

    /// <summary>
    /// <see cref="MoveAsync"/> for a handler that sends transitions with its other statements in one round trip: the
    /// state machine decides every step now, and one row update (to the last step's status, with
    /// <paramref name="alsoSet"/>) and a history entry per step go into <paramref name="batch"/>; <see cref="ExecuteAsync"/>
    /// runs the batch and finishes every planned move. One update rather than one per step, because status is indexed:
    /// each update of an order is a new row version with an entry in every index of the table.
    /// </summary>
    /// <param name="alsoSet">Further columns of the same update; names come from code, never from input.</param>
    public static IReadOnlyList<PlannedMove> PlanMoves(
        OutboxBatch batch, OrderHead head, IReadOnlyList<(OrderStatus To, string Reason)> steps, DateTimeOffset at, OrderTelemetry telemetry,
        params (string Column, NpgsqlParameter Value)[] alsoSet)
    {
        var moves = new List<PlannedMove>(steps.Count);
        var current = head;
        foreach (var (to, _) in steps)
        {
            OrderStateMachine.EnsureCanMove(current.Status, to, current.MarketplaceFulfilled);

            // The write is timed by the caller's span around the batch; this one marks the transition in the trace.
            StartTransition(current, to, telemetry)?.Dispose();
            moves.Add(new PlannedMove(current, to, at));
            current = moves[^1].After;
        }

        var update = new NpgsqlBatchCommand
        {
            Parameters = { new() { Value = current.Status.ToWire() }, new() { Value = (long)steps.Count }, new() { Value = at }, new() { Value = head.OrderId } },
        };
        var set = new System.Text.StringBuilder("UPDATE orders SET status = $1, version = version + $2, updated_at = $3");
        foreach (var (column, value) in alsoSet)
        {
            update.Parameters.Add(value);
            set.Append($", {column} = ${update.Parameters.Count}");
        }

        update.CommandText = set.Append(" WHERE order_id = $4").ToString();
        batch.Add(update);
        foreach (var (to, reason) in steps)
        {
            batch.Add(HistoryCommand(head.OrderId, to, reason, at));
        }

        return moves;
    }

    /// <summary>Runs a batch holding planned moves, then counts each and, on acceptance, records the release SLA.</summary>
    /// <returns>The order as the last move left it.</returns>
    public static async Task<OrderHead> ExecuteAsync(
        OutboxBatch batch, NpgsqlTransaction transaction, IReadOnlyList<PlannedMove> moves, OrderTelemetry telemetry, CancellationToken cancellationToken)
    {
        await batch.ExecuteAsync(cancellationToken);
        var head = moves[0].Before;
        foreach (var move in moves)
        {
            head = await MovedAsync(transaction, move, telemetry, cancellationToken);
        }

        return head;
    }

    private static async Task<OrderHead> MovedAsync(NpgsqlTransaction transaction, PlannedMove move, OrderTelemetry telemetry, CancellationToken cancellationToken)
    {
        telemetry.CountTransition(move.Before.Channel, move.To);
        if (move.To == OrderStatus.Accepted)
        {
            await ReleaseSla.RecordAsync(transaction, move.Before, move.At, telemetry, cancellationToken);
        }

        return move.After;
    }

    private static System.Diagnostics.Activity? StartTransition(OrderHead head, OrderStatus to, OrderTelemetry telemetry)
    {
        var activity = telemetry.Start("transition", head.Channel, head.OrderId);
        activity?.SetTag("order.status.from", head.Status.ToWire());
        activity?.SetTag("order.status.to", to.ToWire());
        return activity;
    }

    private static NpgsqlBatchCommand MoveCommand(Guid orderId, OrderStatus to, DateTimeOffset at) =>
        new("UPDATE orders SET status = $1, version = version + 1, updated_at = $2 WHERE order_id = $3")
        {
            Parameters = { new() { Value = to.ToWire() }, new() { Value = at }, new() { Value = orderId } },
        };

    /// <summary>A history entry without a status change (an update by the channel, a further shipment).</summary>
    public static async Task NoteAsync(NpgsqlTransaction transaction, OrderHead head, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE orders SET version = version + 1, updated_at = $1 WHERE order_id = $2")
                {
                    Parameters = { new() { Value = at }, new() { Value = head.OrderId } },
                },
                HistoryCommand(head.OrderId, head.Status, reason, at),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static NpgsqlBatchCommand HistoryCommand(Guid orderId, OrderStatus status, string reason, DateTimeOffset at) =>
        new("INSERT INTO order_status_history (order_id, status, reason, at) VALUES ($1, $2, $3, $4)")
        {
            Parameters = { new() { Value = orderId }, new() { Value = status.ToWire() }, new() { Value = reason }, new() { Value = at } },
        };

    private static async Task<OrderHead?> ReadHeadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new OrderHead(
            reader.GetGuid(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            OrderStatuses.Parse(reader.GetString(4)),
            reader.GetString(5),
            reader.GetInt64(6),
            reader.GetFieldValue<DateTimeOffset>(7));
    }
}
