using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging.Publishing;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.InventoryService.Reservations;

/// <summary>
/// Reserve, release, commit and backorder fill, each inside the caller's transaction (a gRPC call's own,
/// or an event handler's with its inbox row), with the events they cause published through the outbox
/// in that same transaction. Every operation locks the order row first, then positions in (sku,
/// location) order.
/// </summary>
public sealed class ReservationService(IEventBus bus, InventoryTelemetry telemetry, TimeProvider time, ILogger<ReservationService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="unknownSkusAreShort">
    /// Events: an order for a SKU inventory has never seen waits as a backorder (the item may be set up
    /// later). Calls: refused with <see cref="InventoryErrors.UnknownSku"/>.
    /// </param>
    public async Task<ReservationOutcome> ReserveAsync(
        NpgsqlTransaction transaction, ReserveCommand command, bool unknownSkusAreShort, StockChanges changes, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("inventory reserve", command.Channel);
        activity?.SetTag("inventory.order_id", command.OrderId.ToString());
        activity?.SetTag("inventory.lines", command.Lines.Count);

        // One round trip: claim the order id (a concurrent duplicate waits here, then reads this outcome), learn which
        // SKUs exist, and lock their positions. A repeat has locked positions it does not need, until it commits.
        var skus = command.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        bool claimed;
        HashSet<string> known;
        List<Position> positions;
        await using (var claim = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    "INSERT INTO orders (order_id, channel, state, priority, received_at) VALUES ($1, $2, 'reserved', $3, $4) ON CONFLICT (order_id) DO NOTHING RETURNING order_id")
                {
                    Parameters = { new() { Value = command.OrderId }, new() { Value = command.Channel }, new() { Value = command.Priority }, new() { Value = command.ReceivedAt.ToUniversalTime() } },
                },
                new NpgsqlBatchCommand("SELECT sku FROM items WHERE sku = ANY($1)") { Parameters = { new() { Value = skus } } },
                PositionStore.LockSkusCommand(skus),
            },
        })
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            claimed = await reader.ReadAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            known = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add(reader.GetString(0));
            }

            await reader.NextResultAsync(cancellationToken);
            positions = await PositionStore.ReadPositionsAsync(reader, cancellationToken);
        }

        if (!claimed)
        {
            var recorded = await ReadOutcomeAsync(transaction, command.OrderId, cancellationToken);
            Record(activity, command.Channel, "repeated");
            return recorded;
        }

        var unknown = skus.Except(known, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0 && !unknownSkusAreShort)
        {
            throw new InventoryException(InventoryErrors.UnknownSku, $"Unknown SKU: {string.Join(", ", unknown)}.");
        }

        var plan = ReservationPolicy.Allocate(command.Lines, positions);
        if (plan.IsComplete)
        {
            await using (var hold = bus.CreateBatch(transaction))
            {
                AddHold(hold, command.OrderId, plan.Allocations, changes);
                hold.Publish(new InventoryReserved(command.OrderId, plan.Allocations, false, time.GetUtcNow()));
                await hold.ExecuteAsync(cancellationToken);
            }

            Record(activity, command.Channel, "reserved");
            telemetry.ReservedUnits.Add(plan.Allocations.Sum(a => a.Quantity), new KeyValuePair<string, object?>("channel", command.Channel));
            return new ReservationOutcome(ReservationStatus.Reserved, plan.Allocations, [], false);
        }

        await ExecuteAsync(
            transaction,
            "UPDATE orders SET state = 'backordered', shortages = @shortages, updated_at = now() WHERE order_id = @id",
            cancellationToken,
            ("id", command.OrderId),
            ("shortages", Jsonb(plan.Shortages)));
        await ExecuteAsync(
            transaction,
            "INSERT INTO backorders (order_id, channel, priority, received_at, lines, skus) VALUES (@id, @channel, @priority, @received, @lines, @skus)",
            cancellationToken,
            ("id", command.OrderId),
            ("channel", command.Channel),
            ("priority", command.Priority),
            ("received", command.ReceivedAt.ToUniversalTime()),
            ("lines", Jsonb(command.Lines)),
            ("skus", skus));
        await bus.PublishAsync(new InventoryReservationFailed(command.OrderId, plan.Shortages, time.GetUtcNow()), transaction, cancellationToken);
        Record(activity, command.Channel, "short");
        return new ReservationOutcome(ReservationStatus.Backordered, [], plan.Shortages, false);
    }

    /// <summary>
    /// Retries one backorder. Null when it is no longer waiting or another replica is on it; a
    /// <see cref="ReservationStatus.Backordered"/> outcome changed nothing and the caller rolls back.
    /// </summary>
    public async Task<ReservationOutcome?> TryFillBackorderAsync(NpgsqlTransaction transaction, Guid orderId, StockChanges changes, CancellationToken cancellationToken)
    {
        string channel;
        List<OrderLine> lines;
        await using (var select = Command(
            transaction,
            """
            SELECT o.channel, b.lines::text FROM orders o JOIN backorders b USING (order_id)
            WHERE o.order_id = @id AND o.state = 'backordered' FOR UPDATE OF o SKIP LOCKED
            """,
            ("id", orderId)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            channel = reader.GetString(0);
            lines = JsonSerializer.Deserialize<List<OrderLine>>(reader.GetString(1), Json)!;
        }

        using var activity = telemetry.Start("inventory backorder fill", channel);
        activity?.SetTag("inventory.order_id", orderId.ToString());
        var skus = lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var plan = ReservationPolicy.Allocate(lines, await PositionStore.LockSkusAsync(transaction, skus, cancellationToken));
        if (!plan.IsComplete)
        {
            activity?.SetTag("inventory.outcome", "short");
            return new ReservationOutcome(ReservationStatus.Backordered, [], plan.Shortages, false);
        }

        await using (var hold = bus.CreateBatch(transaction))
        {
            AddHold(hold, orderId, plan.Allocations, changes);
            hold.Add(new NpgsqlBatchCommand("DELETE FROM backorders WHERE order_id = $1") { Parameters = { new() { Value = orderId } } });
            hold.Add(new NpgsqlBatchCommand("UPDATE orders SET state = 'reserved', updated_at = now() WHERE order_id = $1") { Parameters = { new() { Value = orderId } } });
            hold.Publish(new InventoryReserved(orderId, plan.Allocations, true, time.GetUtcNow()));
            await hold.ExecuteAsync(cancellationToken);
        }

        activity?.SetTag("inventory.outcome", "reserved");
        telemetry.BackorderFills.Add(1, new KeyValuePair<string, object?>("channel", channel));
        telemetry.ReservedUnits.Add(plan.Allocations.Sum(a => a.Quantity), new KeyValuePair<string, object?>("channel", channel));
        return new ReservationOutcome(ReservationStatus.Reserved, plan.Allocations, [], false);
    }

    /// <summary>
    /// Cancels the order: what it holds goes back, it leaves the backorder queue, and a later reserve
    /// for it does nothing. An order not seen yet is recorded as cancelled (the cancel overtook the
    /// order). Answers everything the order has released, so a repeat answers the same.
    /// </summary>
    public async Task<IReadOnlyList<AllocatedLine>> ReleaseAsync(
        NpgsqlTransaction transaction, Guid orderId, string channel, string reason, StockChanges changes, CancellationToken cancellationToken)
    {
        var (knownChannel, state) = await LockOrderAsync(transaction, orderId, cancellationToken);
        if (state is null)
        {
            var recorded = await ExecuteAsync(
                transaction,
                "INSERT INTO orders (order_id, channel, state) VALUES (@id, @channel, 'cancelled') ON CONFLICT (order_id) DO NOTHING",
                cancellationToken,
                ("id", orderId),
                ("channel", channel)) == 1;
            if (recorded)
            {
                logger.LogInformation("Order {OrderId} cancelled before inventory saw it; a later reservation for it will do nothing", orderId);
                return [];
            }

            // A reservation for it committed in between: release that.
            (knownChannel, state) = await LockOrderAsync(transaction, orderId, cancellationToken);
        }

        using var activity = telemetry.Start("inventory release", knownChannel);
        activity?.SetTag("inventory.order_id", orderId.ToString());
        if (state != "cancelled")
        {
            var held = await ReadReservationsAsync(transaction, orderId, "held", lockRows: true, cancellationToken);
            if (held.Count > 0)
            {
                await PositionStore.LockAsync(transaction, held.Select(h => (h.Line.Sku, h.Line.LocationId)), cancellationToken);
                await ExecuteAsync(
                    transaction,
                    "UPDATE reservations SET state = 'released', updated_at = now() WHERE reservation_id = ANY(@ids)",
                    cancellationToken,
                    ("ids", held.Select(h => h.Id).ToArray()));
                await PositionStore.ApplyAsync(
                    transaction,
                    held.Select(h => new PositionChange(h.Line.Sku, h.Line.LocationId, 0, -h.Line.Quantity, 0, "release", orderId.ToString())).ToList(),
                    changes,
                    cancellationToken);
            }

            await ExecuteAsync(transaction, "DELETE FROM backorders WHERE order_id = @id", cancellationToken, ("id", orderId));
            await ExecuteAsync(transaction, "UPDATE orders SET state = 'cancelled', updated_at = now() WHERE order_id = @id", cancellationToken, ("id", orderId));
            activity?.SetTag("inventory.reason", reason.Length > 64 ? reason[..64] : reason);
            telemetry.Releases.Add(1, new KeyValuePair<string, object?>("channel", knownChannel));
        }

        return (await ReadReservationsAsync(transaction, orderId, "released", lockRows: false, cancellationToken)).Select(r => r.Line).ToList();
    }

    /// <summary>
    /// A shipment left: on hand and reserved both drop by the shipped quantities, taken from the line's
    /// held reservations in location order. Idempotent on the shipment id. <paramref name="strict"/>
    /// (calls) refuses a shipment of more than is held; events commit what is held and log the rest,
    /// because the goods have left either way.
    /// </summary>
    public async Task<CommitOutcome> CommitAsync(
        NpgsqlTransaction transaction, Guid orderId, string shipmentId, IReadOnlyList<(string LineId, int Quantity)> lines, bool strict, StockChanges changes, CancellationToken cancellationToken)
    {
        var claimed = await ExecuteAsync(
            transaction,
            "INSERT INTO shipments (shipment_id, order_id, committed) VALUES (@shipment, @order, '[]') ON CONFLICT (shipment_id) DO NOTHING",
            cancellationToken,
            ("shipment", shipmentId),
            ("order", orderId)) == 1;
        if (!claimed)
        {
            return await ReadShipmentAsync(transaction, orderId, shipmentId, strict, cancellationToken);
        }

        var (channel, state) = await LockOrderAsync(transaction, orderId, cancellationToken);
        if (state is null)
        {
            if (strict)
            {
                throw new InventoryException(InventoryErrors.UnknownOrder, $"Inventory holds nothing for order {orderId}.", InventoryErrorKind.NotFound);
            }

            logger.LogWarning("Shipment {ShipmentId} for order {OrderId}, which inventory never reserved; nothing to commit", shipmentId, orderId);
            return new CommitOutcome([], false);
        }

        using var activity = telemetry.Start("inventory commit", channel);
        activity?.SetTag("inventory.order_id", orderId.ToString());
        var held = await ReadReservationsAsync(transaction, orderId, "held", lockRows: true, cancellationToken);
        var takes = new List<(long Id, AllocatedLine Line, int Take)>();
        foreach (var (lineId, quantity) in lines)
        {
            var needed = quantity;
            foreach (var row in held.Where(h => h.Line.LineId == lineId).OrderBy(h => h.Line.LocationId, StringComparer.Ordinal))
            {
                var alreadyTaken = takes.Where(t => t.Id == row.Id).Sum(t => t.Take);
                var take = Math.Min(needed, row.Line.Quantity - alreadyTaken);
                if (take > 0)
                {
                    takes.Add((row.Id, row.Line, take));
                    needed -= take;
                }
            }

            if (needed > 0)
            {
                if (strict)
                {
                    throw new InventoryException(
                        InventoryErrors.CommitExceedsReservation,
                        $"Line '{lineId}' of order {orderId} holds {quantity - needed}, not {quantity}.",
                        InventoryErrorKind.Unprocessable);
                }

                logger.LogWarning("Shipment {ShipmentId} ships {Excess} more of line {LineId} than order {OrderId} held", shipmentId, needed, lineId, orderId);
            }
        }

        var committed = takes
            .GroupBy(t => (t.Id, t.Line))
            .Select(g => (g.Key.Id, Line: g.Key.Line with { Quantity = g.Sum(t => t.Take) }))
            .ToList();
        if (committed.Count > 0)
        {
            var positions = (await PositionStore.LockAsync(transaction, committed.Select(c => (c.Line.Sku, c.Line.LocationId)), cancellationToken))
                .ToDictionary(p => (p.Sku, p.LocationId));
            var ids = committed.Select(c => c.Id).ToArray();
            var quantities = committed.Select(c => c.Line.Quantity).ToArray();
            await ExecuteAsync(
                transaction,
                "DELETE FROM reservations r USING unnest(@ids, @takes) t(id, take) WHERE r.reservation_id = t.id AND r.quantity = t.take",
                cancellationToken,
                ("ids", ids),
                ("takes", quantities));
            await ExecuteAsync(
                transaction,
                "UPDATE reservations r SET quantity = r.quantity - t.take, updated_at = now() FROM unnest(@ids, @takes) t(id, take) WHERE r.reservation_id = t.id",
                cancellationToken,
                ("ids", ids),
                ("takes", quantities));
            await InsertReservationsAsync(transaction, orderId, committed.Select(c => c.Line).ToList(), "committed", cancellationToken);

            // A count may have found less on hand than was reserved; on hand cannot go below zero.
            var changesByPosition = committed
                .GroupBy(c => (c.Line.Sku, c.Line.LocationId))
                .Select(g =>
                {
                    var shipped = g.Sum(c => c.Line.Quantity);
                    return new PositionChange(g.Key.Sku, g.Key.LocationId, -Math.Min(shipped, positions[g.Key].OnHand), -shipped, 0, "ship", shipmentId);
                })
                .ToList();
            await PositionStore.ApplyAsync(transaction, changesByPosition, changes, cancellationToken);
        }

        var result = committed.Select(c => c.Line).ToList();
        await ExecuteAsync(
            transaction,
            "UPDATE shipments SET committed = @committed WHERE shipment_id = @shipment",
            cancellationToken,
            ("shipment", shipmentId),
            ("committed", Jsonb(result)));
        telemetry.Commits.Add(1, new KeyValuePair<string, object?>("channel", channel));
        return new CommitOutcome(result, false);
    }

    /// <summary>Held reservations for the allocations and the positions they reserve, as statements of the caller's batch.</summary>
    private static void AddHold(OutboxBatch batch, Guid orderId, IReadOnlyList<AllocatedLine> allocations, StockChanges changes)
    {
        batch.Add(InsertReservationsCommand(orderId, allocations, "held"));
        foreach (var apply in PositionStore.ApplyCommands(
            allocations.Select(a => new PositionChange(a.Sku, a.LocationId, 0, a.Quantity, 0, "reserve", orderId.ToString())).ToList(), changes))
        {
            batch.Add(apply);
        }
    }

    private static async Task InsertReservationsAsync(NpgsqlTransaction transaction, Guid orderId, IReadOnlyList<AllocatedLine> lines, string state, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlBatch(transaction.Connection, transaction) { BatchCommands = { InsertReservationsCommand(orderId, lines, state) } };
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand InsertReservationsCommand(Guid orderId, IReadOnlyList<AllocatedLine> lines, string state) =>
        new(
            """
            INSERT INTO reservations (order_id, line_id, sku, location_id, quantity, state)
            SELECT $1, line_id, sku, location_id, quantity, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS t(line_id, sku, location_id, quantity)
            ON CONFLICT (order_id, line_id, location_id, state) DO UPDATE SET quantity = reservations.quantity + excluded.quantity, updated_at = now()
            """)
        {
            Parameters =
            {
                new() { Value = orderId },
                new() { Value = state },
                new() { Value = lines.Select(l => l.LineId).ToArray() },
                new() { Value = lines.Select(l => l.Sku).ToArray() },
                new() { Value = lines.Select(l => l.LocationId).ToArray() },
                new() { Value = lines.Select(l => l.Quantity).ToArray() },
            },
        };

    private static async Task<ReservationOutcome> ReadOutcomeAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        string state;
        string? shortages;
        await using (var select = Command(transaction, "SELECT state, shortages::text FROM orders WHERE order_id = @id", ("id", orderId)))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            state = reader.GetString(0);
            shortages = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return state switch
        {
            "reserved" => new ReservationOutcome(ReservationStatus.Reserved, await ReadHoldingsAsync(transaction, orderId, cancellationToken), [], true),
            "backordered" => new ReservationOutcome(ReservationStatus.Backordered, [], JsonSerializer.Deserialize<List<ShortLine>>(shortages!, Json)!, true),
            _ => new ReservationOutcome(ReservationStatus.Cancelled, [], [], true),
        };
    }

    /// <summary>What the order was given, per line and location: still held or already shipped.</summary>
    private static async Task<List<AllocatedLine>> ReadHoldingsAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var select = Command(
            transaction,
            """
            SELECT line_id, sku, location_id, sum(quantity)::int FROM reservations
            WHERE order_id = @id AND state IN ('held', 'committed')
            GROUP BY line_id, sku, location_id ORDER BY min(reservation_id)
            """,
            ("id", orderId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var lines = new List<AllocatedLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new AllocatedLine(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        }

        return lines;
    }

    private static async Task<CommitOutcome> ReadShipmentAsync(NpgsqlTransaction transaction, Guid orderId, string shipmentId, bool strict, CancellationToken cancellationToken)
    {
        await using var select = Command(transaction, "SELECT order_id, committed::text FROM shipments WHERE shipment_id = @shipment", ("shipment", shipmentId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetGuid(0) != orderId)
        {
            return strict
                ? throw new InventoryException(InventoryErrors.ShipmentIdReused, $"Shipment {shipmentId} belongs to another order.", InventoryErrorKind.Conflict)
                : new CommitOutcome([], true);
        }

        return new CommitOutcome(JsonSerializer.Deserialize<List<AllocatedLine>>(reader.GetString(1), Json)!, true);
    }

    private static async Task<List<(long Id, AllocatedLine Line)>> ReadReservationsAsync(
        NpgsqlTransaction transaction, Guid orderId, string state, bool lockRows, CancellationToken cancellationToken)
    {
        await using var select = Command(
            transaction,
            $"SELECT reservation_id, line_id, sku, location_id, quantity FROM reservations WHERE order_id = @id AND state = @state ORDER BY reservation_id{(lockRows ? " FOR UPDATE" : string.Empty)}",
            ("id", orderId),
            ("state", state));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(long, AllocatedLine)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetInt64(0), new AllocatedLine(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4))));
        }

        return rows;
    }

    private static async Task<(string Channel, string? State)> LockOrderAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var select = Command(transaction, "SELECT channel, state FROM orders WHERE order_id = @id FOR UPDATE", ("id", orderId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetString(1)) : (string.Empty, null);
    }

    private void Record(Activity? activity, string channel, string outcome)
    {
        activity?.SetTag("inventory.outcome", outcome);
        telemetry.Reservations.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
    }

    private static NpgsqlParameter Jsonb<T>(T value) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(value, Json) };

    private static NpgsqlCommand Command(NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, transaction.Connection, transaction);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter parameter)
            {
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
