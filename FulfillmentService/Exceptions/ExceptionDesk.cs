using System.Diagnostics;
using System.Globalization;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Shipments;
using Distribution.Aspire.Messaging.Publishing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Exceptions;

/// <summary>
/// The exception list: raised from partner milestones (lost, damaged, address problem, on hold) and from
/// facts only fulfillment sees (a node cancelling, an order cancelled after dispatch); ranked by business
/// priority, each with an SLA timer by kind; resolved by operators.
/// </summary>
public sealed class ExceptionDesk(
    NpgsqlDataSource database, IEventBus bus, FulfillmentTelemetry telemetry, TimeProvider time, IOptions<FulfillmentOptions> options, ILogger<ExceptionDesk> logger)
{
    private const string TokenKind = "x1";
    private const string Columns =
        "exception_id, shipment_id, order_id, channel, location_id, kind, detail, rank, raised_at, due_at, resolved_at, resolution";

    /// <summary>
    /// Puts an exception on the list for a locked shipment, in the caller's transaction, and publishes
    /// exception_raised. False when one of the same kind is already open for the shipment (a repeat report).
    /// </summary>
    public async Task<bool> RaiseAsync(NpgsqlTransaction transaction, ShipmentHead shipment, ExceptionKind kind, string detail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("exception.raise", shipment.Channel, shipment.LocationId);
        activity?.SetTag("fulfillment.shipment.id", shipment.ShipmentId.ToString());
        activity?.SetTag("fulfillment.exception.kind", kind.ToWire());
        var exceptionId = Guid.CreateVersion7();
        var rank = ExceptionRanking.Rank(shipment.Priority, shipment.OrderTotal, shipment.OrderCreatedAt, now);
        var dueAt = now + options.Value.SlaFor(kind);

        await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
        {
            BatchCommands =
            {
                new(
                    """
                    INSERT INTO fulfillment_exceptions (exception_id, shipment_id, order_id, channel, location_id, kind, detail, rank, raised_at, due_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (shipment_id, kind) WHERE resolved_at IS NULL DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new() { Value = exceptionId }, new() { Value = shipment.ShipmentId }, new() { Value = shipment.OrderId },
                        new() { Value = shipment.Channel }, new() { Value = shipment.LocationId }, new() { Value = kind.ToWire() },
                        new() { Value = detail }, new() { Value = rank }, new() { Value = now }, new() { Value = dueAt },
                    },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (batch.BatchCommands[0].RecordsAffected == 0)
        {
            return false;
        }

        await using (var update = new NpgsqlCommand(
            "UPDATE shipments SET open_exceptions = open_exceptions + 1, updated_at = @now WHERE shipment_id = @id", transaction.Connection, transaction))
        {
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", shipment.ShipmentId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await bus.PublishAsync(
            new FulfillmentExceptionRaised(exceptionId, shipment.ShipmentId, shipment.OrderId, shipment.Channel, kind.ToWire(), rank, now, dueAt), transaction, cancellationToken);
        telemetry.ExceptionsRaised.Add(1, new("channel", shipment.Channel), new("node", shipment.LocationId), new("kind", kind.ToWire()));
        logger.LogInformation(
            "Exception {ExceptionId} ({Kind}, rank {Rank}) raised for shipment {ShipmentId} of order {OrderId} at {Node}",
            exceptionId, kind.ToWire(), rank, shipment.ShipmentId, shipment.OrderId, shipment.LocationId);
        return true;
    }

    /// <summary>Resolves an exception; resolving a resolved one is a retry and answers it unchanged.</summary>
    public async Task<FulfillmentIssue> ResolveAsync(Guid exceptionId, string? resolution, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("exception.resolve");
        activity?.SetTag("fulfillment.exception.id", exceptionId.ToString());
        try
        {
            var text = TextRules.Required(resolution, "resolution", FulfillmentLimits.MaxDetailLength, FulfillmentCodes.ResolutionRequired);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // The shipment row first, as every other step locks it, so resolving never deadlocks with a new report.
            Guid? shipmentId;
            await using (var find = new NpgsqlCommand("SELECT shipment_id FROM fulfillment_exceptions WHERE exception_id = @id", connection, transaction))
            {
                find.Parameters.AddWithValue("id", exceptionId);
                shipmentId = (Guid?)await find.ExecuteScalarAsync(cancellationToken);
            }

            if (shipmentId is null || await ShipmentRows.LockAsync(transaction, shipmentId.Value, cancellationToken) is not { } shipment)
            {
                throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ExceptionNotFound, $"No exception {exceptionId}.");
            }

            activity?.SetTag("fulfillment.channel", shipment.Channel);
            activity?.SetTag("fulfillment.node", shipment.LocationId);
            var issue = (await ReadAsync(connection, transaction, "WHERE exception_id = @p0 FOR UPDATE", [exceptionId], cancellationToken)).Single();
            if (issue.Resolved)
            {
                return issue;
            }

            var now = time.UtcNowMicroseconds();
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("UPDATE fulfillment_exceptions SET resolved_at = $1, resolution = $2 WHERE exception_id = $3")
                    {
                        Parameters = { new() { Value = now }, new() { Value = text }, new() { Value = exceptionId } },
                    },
                    new("UPDATE shipments SET open_exceptions = open_exceptions - 1, updated_at = $1 WHERE shipment_id = $2")
                    {
                        Parameters = { new() { Value = now }, new() { Value = shipment.ShipmentId } },
                    },
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            telemetry.ExceptionsResolved.Add(1, new("kind", issue.Kind.ToWire()), new("overdue", issue.IsOverdue(now)));
            logger.LogInformation("Exception {ExceptionId} of shipment {ShipmentId} resolved", exceptionId, shipment.ShipmentId);
            return issue with { ResolvedAt = now, Resolution = text };
        }
        catch (FulfillmentRejectedException rejected)
        {
            telemetry.CountRejected(rejected.Code);
            activity?.SetStatus(ActivityStatusCode.Error, rejected.Code);
            throw;
        }
    }

    /// <summary>Open exceptions first, then by rank (highest first), then by due time (soonest first).</summary>
    public async Task<IssuePage> ListAsync(bool includeResolved, int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("query.exceptions");
        var size = PageToken.PageSize(pageSize);
        var after = (Resolved: -1, NegativeRank: int.MinValue, DueAt: DateTimeOffset.MinValue, Id: Guid.Empty);
        if (!string.IsNullOrEmpty(pageToken))
        {
            var parts = PageToken.Decode(TokenKind, pageToken, 4);
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var resolved)
                || !int.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var negativeRank)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks
                || !Guid.TryParseExact(parts[3], "N", out var id))
            {
                throw PageToken.Invalid();
            }

            after = (resolved, negativeRank, new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var issues = await ReadAsync(
            connection,
            null,
            """
            WHERE (@p0 OR resolved_at IS NULL)
              AND ((resolved_at IS NOT NULL)::int, -rank, due_at, exception_id) > (@p1, @p2, @p3, @p4)
            ORDER BY (resolved_at IS NOT NULL), rank DESC, due_at, exception_id
            LIMIT @p5
            """,
            [includeResolved, after.Resolved, after.NegativeRank, after.DueAt, after.Id, size + 1],
            cancellationToken);

        string? next = null;
        if (issues.Count > size)
        {
            issues.RemoveAt(size);
            var last = issues[^1];
            next = PageToken.Encode(
                TokenKind,
                (last.Resolved ? 1 : 0).ToString(CultureInfo.InvariantCulture),
                (-last.Rank).ToString(CultureInfo.InvariantCulture),
                last.DueAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
                last.ExceptionId.ToString("N"));
        }

        return new IssuePage(issues, next);
    }

    private static async Task<List<FulfillmentIssue>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, object[] values, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM fulfillment_exceptions {where}", connection, transaction);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", values[i]);
        }

        var issues = new List<FulfillmentIssue>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            issues.Add(new FulfillmentIssue(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetGuid(2),
                reader.GetString(3),
                reader.GetString(4),
                ExceptionKinds.Parse(reader.GetString(5)),
                reader.GetString(6),
                reader.GetInt32(7),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return issues;
    }
}
