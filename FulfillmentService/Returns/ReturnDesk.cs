using System.Diagnostics;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Shipments;
using Distribution.Aspire.Messaging.Publishing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Returns;

/// <summary>
/// Returns (RMA): authorized for units that shipped (idempotent on the channel's reference), received once at
/// a location with a disposition per line (restock or damaged), which publishes return.received with the
/// refund computed from the order's prices.
/// </summary>
public sealed class ReturnDesk(
    NpgsqlDataSource database,
    IEventBus bus,
    OrderLookup orders,
    FulfillmentTelemetry telemetry,
    TimeProvider time,
    IOptions<FulfillmentOptions> options,
    ILogger<ReturnDesk> logger)
{
    public Task<CustomerReturn> AuthorizeAsync(AuthorizeReturnInput input, CancellationToken cancellationToken) => GuardAsync("return.authorize", async activity =>
    {
        var reference = TextRules.Required(input.Reference, "reference", FulfillmentLimits.MaxIdLength, FulfillmentCodes.ReferenceRequired);
        var reason = TextRules.Optional(input.Reason, "reason", FulfillmentLimits.MaxDetailLength);
        var lines = ValidLines(input.Lines, withDisposition: false);
        activity?.SetTag("fulfillment.order.id", input.OrderId.ToString());

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ShipmentRows.LockOrderAsync(transaction, input.OrderId, cancellationToken);
        if (await FindAsync(connection, transaction, "order_id = @p0 AND reference = @p1", [input.OrderId, reference], cancellationToken) is { } existing)
        {
            return existing; // the same reference again: the same return
        }

        var shipped = new Dictionary<string, (string Sku, int Shipped)>(StringComparer.Ordinal);
        string? channel = null;
        await using (var command = new NpgsqlCommand(
            """
            SELECT l.line_id, min(l.sku), sum(l.shipped_quantity)::int, min(s.channel)
            FROM shipment_lines l JOIN shipments s ON s.shipment_id = l.shipment_id
            WHERE s.order_id = @order
            GROUP BY l.line_id
            """,
            connection,
            transaction))
        {
            command.Parameters.AddWithValue("order", input.OrderId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                shipped[reader.GetString(0)] = (reader.GetString(1), reader.GetInt32(2));
                channel = reader.GetString(3);
            }
        }

        if (channel is null)
        {
            throw FulfillmentRejectedException.NotFound(FulfillmentCodes.OrderNotFound, $"Order {input.OrderId} has no shipments to return.");
        }

        activity?.SetTag("fulfillment.channel", channel);
        var returned = await ReturnedUnitsAsync(transaction, input.OrderId, includeAuthorized: true, cancellationToken);
        var authorized = new List<ReturnLineView>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!shipped.TryGetValue(line.LineId, out var known))
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.UnknownLine, $"Order {input.OrderId} shipped no line \"{line.LineId}\".", $"lines[{i}].lineId");
            }

            if (line.Sku is not null && line.Sku != known.Sku)
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.SkuMismatch, $"Line \"{line.LineId}\" is {known.Sku}, not {line.Sku}.", $"lines[{i}].sku");
            }

            var open = known.Shipped - returned.GetValueOrDefault(line.LineId);
            if (line.Quantity > open)
            {
                throw FulfillmentRejectedException.Invalid(
                    FulfillmentCodes.QuantityExceedsShipped,
                    $"Line \"{line.LineId}\": {line.Quantity} unit(s) asked, {known.Shipped} shipped and {open} not yet returned or authorized.",
                    $"lines[{i}].quantity");
            }

            authorized.Add(new ReturnLineView(line.LineId, known.Sku, line.Quantity, null));
        }

        var returnId = Guid.CreateVersion7();
        var now = time.UtcNowMicroseconds();
        await using (var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("INSERT INTO returns (return_id, order_id, reference, channel, status, reason, authorized_at) VALUES ($1, $2, $3, $4, 'authorized', $5, $6)")
                {
                    Parameters =
                    {
                        new() { Value = returnId }, new() { Value = input.OrderId }, new() { Value = reference }, new() { Value = channel },
                        new() { Value = (object?)reason ?? DBNull.Value }, new() { Value = now },
                    },
                },
                new("INSERT INTO return_lines (return_id, line_number, line_id, sku, quantity) SELECT $1, n, l, s, q FROM unnest($2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS u(l, s, q, n)")
                {
                    Parameters =
                    {
                        new() { Value = returnId },
                        new() { Value = authorized.Select(l => l.LineId).ToArray() },
                        new() { Value = authorized.Select(l => l.Sku).ToArray() },
                        new() { Value = authorized.Select(l => l.Quantity).ToArray() },
                    },
                },
            },
        })
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var result = (await FindAsync(connection, transaction, "return_id = @p0", [returnId], cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        telemetry.ReturnsAuthorized.Add(1, new KeyValuePair<string, object?>("channel", channel));
        logger.LogInformation("Return {ReturnId} ({Reference}) authorized for order {OrderId} ({Channel})", returnId, reference, input.OrderId, channel);
        return result;
    });

    public Task<CustomerReturn> ReceiveAsync(ReceiveReturnInput input, CancellationToken cancellationToken) => GuardAsync("return.receive", async activity =>
    {
        var locationId = TextRules.Required(input.LocationId, "locationId", FulfillmentLimits.MaxIdLength, FulfillmentCodes.LocationRequired);
        var lines = ValidLines(input.Lines, withDisposition: true);
        activity?.SetTag("fulfillment.node", locationId);
        activity?.SetTag("fulfillment.return.id", input.ReturnId.ToString());

        CustomerReturn? stored;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            stored = await FindAsync(connection, null, "return_id = @p0", [input.ReturnId], cancellationToken);
        }

        if (stored is null)
        {
            throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ReturnNotFound, $"No return {input.ReturnId}.");
        }

        if (stored.Status == CustomerReturn.Received)
        {
            return stored; // received already: a retry
        }

        var now = time.UtcNowMicroseconds();
        var receivedAt = input.ReceivedAt is { } at ? at.ToMicroseconds() : now;
        if (receivedAt > now + options.Value.MaxClockSkew || receivedAt < stored.AuthorizedAt - options.Value.MaxClockSkew)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidReceivedAt, "receivedAt lies in the future or before the return was authorized.", "receivedAt");
        }

        // Prices live in the order service; read them before taking any lock.
        var order = await orders.GetAsync(stored.OrderId, cancellationToken)
            ?? throw FulfillmentRejectedException.NotFound(FulfillmentCodes.OrderNotFound, $"The order service does not know order {stored.OrderId}.");

        await using var db = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        await ShipmentRows.LockOrderAsync(transaction, stored.OrderId, cancellationToken);
        var current = (await FindAsync(db, transaction, "return_id = @p0", [input.ReturnId], cancellationToken))!;
        if (current.Status == CustomerReturn.Received)
        {
            return current;
        }

        string channel;
        await using (var command = new NpgsqlCommand("SELECT channel FROM returns WHERE return_id = @id", db, transaction))
        {
            command.Parameters.AddWithValue("id", input.ReturnId);
            channel = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        activity?.SetTag("fulfillment.channel", channel);
        var authorized = current.Lines.ToDictionary(l => l.LineId, StringComparer.Ordinal);
        var perLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var received = new List<ReturnedLine>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!authorized.TryGetValue(line.LineId, out var known))
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.UnknownLine, $"Return {input.ReturnId} has no line \"{line.LineId}\".", $"lines[{i}].lineId");
            }

            if (line.Sku is not null && line.Sku != known.Sku)
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.SkuMismatch, $"Line \"{line.LineId}\" is {known.Sku}, not {line.Sku}.", $"lines[{i}].sku");
            }

            perLine[line.LineId] = perLine.GetValueOrDefault(line.LineId) + line.Quantity;
            if (perLine[line.LineId] > known.Quantity)
            {
                throw FulfillmentRejectedException.Invalid(
                    FulfillmentCodes.QuantityExceedsAuthorized, $"Line \"{line.LineId}\": more than the {known.Quantity} unit(s) authorized.", $"lines[{i}].quantity");
            }

            received.Add(new ReturnedLine(line.LineId, known.Sku, line.Quantity, line.Disposition!));
        }

        var refundedBefore = await ReturnedUnitsAsync(transaction, stored.OrderId, includeAuthorized: false, cancellationToken);
        var refund = 0m;
        foreach (var (lineId, units) in perLine)
        {
            var orderLine = order.Lines.FirstOrDefault(l => l.LineId == lineId);
            if (orderLine?.Total is not { } total || !total.TryGetAmount(out var lineTotal))
            {
                throw new InvalidOperationException($"Order {stored.OrderId} has no priced line {lineId}.");
            }

            refund += Refunds.ForUnits(lineTotal, orderLine.Quantity, refundedBefore.GetValueOrDefault(lineId), units);
        }

        await using (var batch = new NpgsqlBatch(db, transaction)
        {
            BatchCommands =
            {
                new("UPDATE returns SET status = 'received', location_id = $1, received_at = $2, refund_amount = $3, currency = $4 WHERE return_id = $5")
                {
                    Parameters =
                    {
                        new() { Value = locationId }, new() { Value = receivedAt }, new() { Value = refund },
                        new() { Value = order.Currency }, new() { Value = input.ReturnId },
                    },
                },
                new("INSERT INTO return_receipts (return_id, receipt_number, line_id, disposition, sku, quantity) SELECT $1, n, l, d, s, q FROM unnest($2::text[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS u(l, d, s, q, n)")
                {
                    Parameters =
                    {
                        new() { Value = input.ReturnId },
                        new() { Value = received.Select(l => l.LineId).ToArray() },
                        new() { Value = received.Select(l => l.Disposition).ToArray() },
                        new() { Value = received.Select(l => l.Sku).ToArray() },
                        new() { Value = received.Select(l => l.Quantity).ToArray() },
                    },
                },
            },
        })
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await bus.PublishAsync(
            new ReturnReceived(input.ReturnId, stored.OrderId, channel, locationId, received, MoneyAmount.Format(refund), order.Currency, receivedAt), transaction, cancellationToken);
        var result = (await FindAsync(db, transaction, "return_id = @p0", [input.ReturnId], cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        foreach (var line in received)
        {
            telemetry.ReturnedUnits.Add(line.Quantity, new("channel", channel), new("node", locationId), new("disposition", line.Disposition));
        }

        logger.LogInformation("Return {ReturnId} of order {OrderId} received at {Node}: {Units} unit(s)", input.ReturnId, stored.OrderId, locationId, received.Sum(l => l.Quantity));
        return result;
    });

    private async Task<CustomerReturn> GuardAsync(string step, Func<Activity?, Task<CustomerReturn>> work)
    {
        using var activity = telemetry.Start(step);
        try
        {
            return await work(activity);
        }
        catch (FulfillmentRejectedException rejected)
        {
            telemetry.CountRejected(rejected.Code);
            activity?.SetStatus(ActivityStatusCode.Error, rejected.Code);
            throw;
        }
    }

    /// <summary>Units per line already back (received) or, with <paramref name="includeAuthorized"/>, also expected back.</summary>
    private static async Task<Dictionary<string, int>> ReturnedUnitsAsync(NpgsqlTransaction transaction, Guid orderId, bool includeAuthorized, CancellationToken cancellationToken)
    {
        var units = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            """
            SELECT line_id, sum(quantity)::int FROM (
                SELECT rl.line_id, rl.quantity FROM return_lines rl JOIN returns r ON r.return_id = rl.return_id
                WHERE r.order_id = @order AND r.status = 'authorized' AND @authorized
                UNION ALL
                SELECT rr.line_id, rr.quantity FROM return_receipts rr JOIN returns r ON r.return_id = rr.return_id
                WHERE r.order_id = @order
            ) AS t
            GROUP BY line_id
            """,
            transaction.Connection,
            transaction);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("authorized", includeAuthorized);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            units[reader.GetString(0)] = reader.GetInt32(1);
        }

        return units;
    }

    private static async Task<CustomerReturn?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object[] values, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT return_id, order_id, reference, status, location_id, authorized_at, received_at, refund_amount, currency
            FROM returns WHERE {where};
            SELECT line_id, sku, quantity, disposition FROM (
                SELECT r.line_id, r.sku, r.quantity, NULL::text AS disposition, r.line_number AS position FROM return_lines r
                WHERE r.return_id = (SELECT return_id FROM returns WHERE {where}) AND NOT EXISTS (SELECT 1 FROM return_receipts x WHERE x.return_id = r.return_id)
                UNION ALL
                SELECT x.line_id, x.sku, x.quantity, x.disposition, x.receipt_number FROM return_receipts x
                WHERE x.return_id = (SELECT return_id FROM returns WHERE {where})
            ) AS lines
            ORDER BY position
            """,
            connection,
            transaction);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", values[i]);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var head = new CustomerReturn(
            reader.GetGuid(0),
            reader.GetGuid(1),
            reader.GetString(2),
            reader.GetString(3),
            [],
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetDecimal(7),
            reader.IsDBNull(8) ? null : reader.GetString(8).Trim());
        await reader.NextResultAsync(cancellationToken);
        var lines = new List<ReturnLineView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new ReturnLineView(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return head with { Lines = lines };
    }

    private static List<(string LineId, string? Sku, int Quantity, string? Disposition)> ValidLines(IReadOnlyList<ReturnLineInput>? lines, bool withDisposition)
    {
        if (lines is not { Count: > 0 and <= FulfillmentLimits.MaxLines })
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.LinesRequired, $"A return needs 1 to {FulfillmentLimits.MaxLines} lines.", "lines");
        }

        var valid = new List<(string, string?, int, string?)>(lines.Count);
        var seen = new HashSet<(string, string?)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var lineId = TextRules.Required(lines[i].LineId, $"lines[{i}].lineId", FulfillmentLimits.MaxIdLength, FulfillmentCodes.UnknownLine);
            var sku = TextRules.Optional(lines[i].Sku, $"lines[{i}].sku", FulfillmentLimits.MaxIdLength);
            if (lines[i].Quantity is <= 0 or > FulfillmentLimits.MaxQuantity)
            {
                throw FulfillmentRejectedException.Invalid(
                    FulfillmentCodes.InvalidQuantity, $"lines[{i}].quantity must be a whole number from 1 to {FulfillmentLimits.MaxQuantity}.", $"lines[{i}].quantity");
            }

            var disposition = withDisposition ? lines[i].Disposition : null;
            if (withDisposition && disposition is not (Disposition.Restock or Disposition.Damaged))
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidDisposition, $"lines[{i}].disposition must be restock or damaged.", $"lines[{i}].disposition");
            }

            if (!seen.Add((lineId, disposition)))
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.DuplicateLineId, $"Line \"{lineId}\" appears twice.", $"lines[{i}].lineId");
            }

            valid.Add((lineId, sku, lines[i].Quantity, disposition));
        }

        return valid;
    }
}
