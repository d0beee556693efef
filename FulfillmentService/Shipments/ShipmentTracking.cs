using System.Diagnostics;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Exceptions;
using Distribution.Aspire.FulfillmentService.Sla;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Sla;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Shipments;

/// <summary>
/// What partners report about a shipment: acknowledgements, milestones and dispatches. Each call runs in one
/// transaction with the shipment row locked and is idempotent; a milestone that arrives twice or late is kept
/// in the history (applied = false) and never moves the shipment backwards.
/// </summary>
public sealed class ShipmentTracking(
    NpgsqlDataSource database,
    IEventBus bus,
    ExceptionDesk exceptions,
    FulfillmentTelemetry telemetry,
    TimeProvider time,
    IOptions<FulfillmentOptions> options,
    SlaPolicy sla,
    ILogger<ShipmentTracking> logger)
{
    public const string DefaultSource = "unspecified";

    public Task<Shipment> RecordMilestoneAsync(MilestoneReport report, CancellationToken cancellationToken)
    {
        var milestone = report.Milestone ?? throw FulfillmentRejectedException.Invalid(
            FulfillmentCodes.InvalidMilestone, "milestone is required (requested … delivered, exception, cancelled).", "milestone");
        if (milestone == Milestone.Shipped)
        {
            throw FulfillmentRejectedException.Invalid(
                FulfillmentCodes.InvalidMilestone, "Goods leaving the node are reported with RecordDispatch (lines and packages), not as a bare milestone.", "milestone");
        }

        if (milestone == Milestone.Exception && report.ExceptionKind is null)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.ExceptionKindRequired, "An exception milestone needs its kind.", "exceptionKind");
        }

        var source = Source(report.Source);
        var detail = TextRules.Optional(report.Detail, "detail", FulfillmentLimits.MaxDetailLength);
        var partnerEventId = TextRules.Optional(report.PartnerEventId, "partnerEventId", FulfillmentLimits.MaxReferenceLength);

        return ChangeAsync("milestone", report.ShipmentId, async (transaction, head, now) =>
        {
            var occurredAt = OccurredAt(report.OccurredAt, now);
            if (partnerEventId is not null && await PartnerEventKnownAsync(transaction, head.ShipmentId, partnerEventId, cancellationToken))
            {
                return; // the same partner event again: recorded once
            }

            var commands = new List<NpgsqlBatchCommand>();
            bool applied;
            if (head.Cancelled)
            {
                applied = false;
            }
            else if (milestone.IsProgress())
            {
                applied = milestone > head.Progress;
                if (applied)
                {
                    commands.Add(ShipmentRows.ProgressCommand(head.ShipmentId, milestone, occurredAt, now));
                }
            }
            else if (milestone == Milestone.Exception)
            {
                var kind = report.ExceptionKind!.Value;
                applied = await exceptions.RaiseAsync(transaction, head, kind, detail ?? $"{kind.ToWire()} reported by {source}", now, cancellationToken);
            }
            else
            {
                // The node cancelled on its own: allowed only before goods left; someone must re-route the order.
                applied = !head.Progress.HasShipped();
                if (applied)
                {
                    commands.Add(CancelCommand(head.ShipmentId, $"cancelled by the node ({source})", now));
                }
            }

            commands.Add(ShipmentRows.HistoryCommand(head.ShipmentId, milestone, occurredAt, now, source, detail, applied, partnerEventId));
            commands.Add(ShipmentRows.TouchCommand(head.ShipmentId, now));
            await ShipmentRows.ExecuteAsync(transaction, commands, cancellationToken);

            if (applied && milestone == Milestone.Delivered)
            {
                await bus.PublishAsync(new ShipmentDelivered(head.ShipmentId, head.OrderId, head.Channel, occurredAt), transaction, cancellationToken);
            }

            if (applied && milestone == Milestone.Cancelled)
            {
                telemetry.Cancelled.Add(1, new("channel", head.Channel), new("node", head.LocationId), new("by", "node"));
                await exceptions.RaiseAsync(
                    transaction, head, ExceptionKind.Other, $"The node {head.LocationId} cancelled the shipment; the order needs another node.", now, cancellationToken);
            }

            telemetry.Milestones.Add(
                1, new("channel", head.Channel), new("node", head.LocationId), new("milestone", milestone.ToWire()), new("applied", applied));
            Activity.Current?.SetTag("fulfillment.milestone", milestone.ToWire());
            Activity.Current?.SetTag("fulfillment.milestone.applied", applied);
            logger.LogInformation(
                "Milestone {Milestone} for shipment {ShipmentId} from {Source}: {Outcome}", milestone.ToWire(), head.ShipmentId, source, applied ? "applied" : "kept in history only");
        }, cancellationToken);
    }

    public Task<Shipment> RecordDispatchAsync(DispatchReport report, CancellationToken cancellationToken)
    {
        var partnerDispatchId = TextRules.Required(report.DispatchId, "dispatchId", FulfillmentLimits.MaxIdLength, FulfillmentCodes.DispatchIdRequired);
        var source = Source(report.Source);
        var lines = ValidLines(report.Lines);
        var packages = ValidPackages(report.Packages, lines);

        return RaiseWhenCancelledAsync(ChangeAsync("dispatch", report.ShipmentId, async (transaction, head, now) =>
        {
            var occurredAt = OccurredAt(report.OccurredAt, now);
            await using (var known = new NpgsqlCommand("SELECT 1 FROM dispatches WHERE shipment_id = @shipment AND partner_dispatch_id = @id", transaction.Connection, transaction))
            {
                known.Parameters.AddWithValue("shipment", head.ShipmentId);
                known.Parameters.AddWithValue("id", partnerDispatchId);
                if (await known.ExecuteScalarAsync(cancellationToken) is not null)
                {
                    return; // this dispatch is already recorded
                }
            }

            if (head.Cancelled)
            {
                throw FulfillmentRejectedException.Conflict(
                    FulfillmentCodes.ShipmentCancelled, $"Shipment {head.ShipmentId} was cancelled; nothing may ship against it.");
            }

            var requested = await RequestedLinesAsync(transaction, head.ShipmentId, cancellationToken);
            var shipped = new List<ShipmentLineItem>(lines.Count);
            for (var i = 0; i < lines.Count; i++)
            {
                var line = lines[i];
                if (!requested.TryGetValue(line.LineId, out var known))
                {
                    throw FulfillmentRejectedException.Invalid(FulfillmentCodes.UnknownLine, $"Shipment {head.ShipmentId} has no line \"{line.LineId}\".", $"lines[{i}].lineId");
                }

                if (line.Sku is not null && line.Sku != known.Sku)
                {
                    throw FulfillmentRejectedException.Invalid(
                        FulfillmentCodes.SkuMismatch, $"Line \"{line.LineId}\" is {known.Sku}, not {line.Sku}.", $"lines[{i}].sku");
                }

                if (known.Shipped + line.Quantity > known.Quantity)
                {
                    throw FulfillmentRejectedException.Invalid(
                        FulfillmentCodes.QuantityExceedsRequested,
                        $"Line \"{line.LineId}\": {line.Quantity} more unit(s) would exceed the {known.Quantity} requested ({known.Shipped} shipped).",
                        $"lines[{i}].quantity");
                }

                shipped.Add(new ShipmentLineItem(line.LineId, known.Sku, line.Quantity));
            }

            var dispatchId = Guid.CreateVersion7();
            var skus = shipped.ToDictionary(l => l.LineId, l => l.Sku, StringComparer.Ordinal);
            var applied = head.Progress < Milestone.Shipped;
            var units = shipped.Sum(l => l.Quantity);
            var commands = new List<NpgsqlBatchCommand>
            {
                new("INSERT INTO dispatches (dispatch_id, shipment_id, partner_dispatch_id, occurred_at, recorded_at, source) VALUES ($1, $2, $3, $4, $5, $6)")
                {
                    Parameters =
                    {
                        new() { Value = dispatchId }, new() { Value = head.ShipmentId }, new() { Value = partnerDispatchId },
                        new() { Value = occurredAt }, new() { Value = now }, new() { Value = source },
                    },
                },
                new("INSERT INTO dispatch_lines (dispatch_id, line_id, sku, quantity) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[])")
                {
                    Parameters =
                    {
                        new() { Value = dispatchId },
                        new() { Value = shipped.Select(l => l.LineId).ToArray() },
                        new() { Value = shipped.Select(l => l.Sku).ToArray() },
                        new() { Value = shipped.Select(l => l.Quantity).ToArray() },
                    },
                },
                new("""
                    UPDATE shipment_lines l SET shipped_quantity = l.shipped_quantity + u.quantity
                    FROM unnest($2::text[], $3::int[]) AS u(line_id, quantity)
                    WHERE l.shipment_id = $1 AND l.line_id = u.line_id
                    """)
                {
                    Parameters =
                    {
                        new() { Value = head.ShipmentId },
                        new() { Value = shipped.Select(l => l.LineId).ToArray() },
                        new() { Value = shipped.Select(l => l.Quantity).ToArray() },
                    },
                },
            };
            foreach (var package in packages)
            {
                var packageLines = package.Lines.Select(l => new PackageLine(l.LineId, skus[l.LineId], l.Quantity)).ToList();
                commands.Add(new("INSERT INTO packages (dispatch_id, shipment_id, carrier, tracking_number, lines) VALUES ($1, $2, $3, $4, $5)")
                {
                    Parameters =
                    {
                        new() { Value = dispatchId }, new() { Value = head.ShipmentId }, new() { Value = package.Carrier }, new() { Value = package.TrackingNumber },
                        new() { Value = JsonSerializer.Serialize(packageLines, PackageJson.Options), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb },
                    },
                });
            }

            if (applied)
            {
                commands.Add(ShipmentRows.ProgressCommand(head.ShipmentId, Milestone.Shipped, occurredAt, now));
            }

            var detail = $"dispatch {partnerDispatchId}: {units} unit(s) in {packages.Count} package(s)";
            commands.Add(ShipmentRows.HistoryCommand(head.ShipmentId, Milestone.Shipped, occurredAt, now, source, detail, applied));
            commands.Add(ShipmentRows.TouchCommand(head.ShipmentId, now));
            await ShipmentRows.ExecuteAsync(transaction, commands, cancellationToken);

            await bus.PublishAsync(
                new ShipmentDispatched(
                    head.ShipmentId,
                    head.OrderId,
                    head.Channel,
                    head.LocationId,
                    dispatchId.ToString(),
                    shipped,
                    packages.Select(p => new ShippedPackage(p.Carrier, p.TrackingNumber)).ToList(),
                    occurredAt),
                transaction,
                cancellationToken);

            if (applied)
            {
                await ShipSla.RecordShippedAsync(transaction, head, occurredAt, telemetry, sla, cancellationToken);
            }

            telemetry.Dispatches.Add(1, new("channel", head.Channel), new("node", head.LocationId));
            telemetry.UnitsShipped.Add(units, new("channel", head.Channel), new("node", head.LocationId));
            Activity.Current?.SetTag("fulfillment.dispatch.id", dispatchId.ToString());
            logger.LogInformation(
                "Dispatch {DispatchId} ({PartnerDispatchId}) of shipment {ShipmentId}: {Units} unit(s) in {Packages} package(s)",
                dispatchId, partnerDispatchId, head.ShipmentId, units, packages.Count);
        }, cancellationToken), report.ShipmentId, partnerDispatchId, cancellationToken);
    }

    /// <summary>
    /// A dispatch for a shipment the order's cancellation withdrew is refused (nothing is recorded against it), but the
    /// node says the goods left all the same, after the reservation was released: someone has to intercept them or take a
    /// return, and count them out of stock. So it is put on the exception list too, in its own transaction after the refusal.
    /// </summary>
    private async Task<Shipment> RaiseWhenCancelledAsync(Task<Shipment> dispatch, Guid shipmentId, string partnerDispatchId, CancellationToken cancellationToken)
    {
        try
        {
            return await dispatch;
        }
        catch (FulfillmentRejectedException rejected) when (rejected.Code == FulfillmentCodes.ShipmentCancelled)
        {
            await ChangeAsync("dispatch after cancellation", shipmentId, (transaction, head, now) => exceptions.RaiseAsync(
                transaction,
                head,
                ExceptionKind.Other,
                $"{head.LocationId} reports goods left (dispatch {partnerDispatchId}) after the shipment was cancelled and its stock released: intercept them or take a return, and count them out of stock.",
                now,
                cancellationToken), cancellationToken);
            throw;
        }
    }

    public static NpgsqlBatchCommand CancelCommand(Guid shipmentId, string reason, DateTimeOffset now) =>
        new("UPDATE shipments SET cancelled_at = $1, cancel_reason = $2, updated_at = $1 WHERE shipment_id = $3")
        {
            Parameters = { new() { Value = now }, new() { Value = reason }, new() { Value = shipmentId } },
        };

    private async Task<Shipment> ChangeAsync(
        string step, Guid shipmentId, Func<NpgsqlTransaction, ShipmentHead, DateTimeOffset, Task> change, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start(step);
        activity?.SetTag("fulfillment.shipment.id", shipmentId.ToString());
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var head = await ShipmentRows.LockAsync(transaction, shipmentId, cancellationToken)
                ?? throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ShipmentNotFound, $"No shipment {shipmentId}.");
            activity?.SetTag("fulfillment.channel", head.Channel);
            activity?.SetTag("fulfillment.node", head.LocationId);
            activity?.SetTag("fulfillment.order.id", head.OrderId.ToString());
            await change(transaction, head, time.UtcNowMicroseconds());
            var shipment = (await ShipmentReader.GetAsync(connection, transaction, shipmentId, cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            return shipment;
        }
        catch (FulfillmentRejectedException rejected)
        {
            telemetry.CountRejected(rejected.Code);
            activity?.SetStatus(ActivityStatusCode.Error, rejected.Code);
            throw;
        }
    }

    private DateTimeOffset OccurredAt(DateTimeOffset? reported, DateTimeOffset now)
    {
        if (reported is not { } at)
        {
            return now;
        }

        if (at > now + options.Value.MaxClockSkew || at.Year < 2000)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidOccurredAt, "occurredAt lies in the future or too far in the past.", "occurredAt");
        }

        return at.ToMicroseconds();
    }

    private static string Source(string? source) => TextRules.Optional(source, "source", FulfillmentLimits.MaxIdLength) ?? DefaultSource;

    private static async Task<bool> PartnerEventKnownAsync(NpgsqlTransaction transaction, Guid shipmentId, string partnerEventId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT 1 FROM shipment_milestones WHERE shipment_id = @shipment AND partner_event_id = @event", transaction.Connection, transaction);
        command.Parameters.AddWithValue("shipment", shipmentId);
        command.Parameters.AddWithValue("event", partnerEventId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<Dictionary<string, (string Sku, int Quantity, int Shipped)>> RequestedLinesAsync(
        NpgsqlTransaction transaction, Guid shipmentId, CancellationToken cancellationToken)
    {
        var lines = new Dictionary<string, (string, int, int)>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            "SELECT line_id, sku, quantity, shipped_quantity FROM shipment_lines WHERE shipment_id = @id", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", shipmentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines[reader.GetString(0)] = (reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3));
        }

        return lines;
    }

    private static List<(string LineId, string? Sku, int Quantity)> ValidLines(IReadOnlyList<DispatchLineInput>? lines)
    {
        if (lines is not { Count: > 0 and <= FulfillmentLimits.MaxLines })
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.LinesRequired, $"A dispatch needs 1 to {FulfillmentLimits.MaxLines} lines.", "lines");
        }

        var valid = new List<(string, string?, int)>(lines.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var lineId = TextRules.Required(lines[i].LineId, $"lines[{i}].lineId", FulfillmentLimits.MaxIdLength, FulfillmentCodes.UnknownLine);
            var sku = TextRules.Optional(lines[i].Sku, $"lines[{i}].sku", FulfillmentLimits.MaxIdLength);
            if (lines[i].Quantity is <= 0 or > FulfillmentLimits.MaxQuantity)
            {
                throw FulfillmentRejectedException.Invalid(
                    FulfillmentCodes.InvalidQuantity, $"lines[{i}].quantity must be a whole number from 1 to {FulfillmentLimits.MaxQuantity}.", $"lines[{i}].quantity");
            }

            if (!seen.Add(lineId))
            {
                throw FulfillmentRejectedException.Invalid(FulfillmentCodes.DuplicateLineId, $"Line \"{lineId}\" appears twice.", $"lines[{i}].lineId");
            }

            valid.Add((lineId, sku, lines[i].Quantity));
        }

        return valid;
    }

    /// <summary>Packages need carrier and tracking; their lines, when given, must be dispatched lines and add up to no more than was dispatched.</summary>
    private static List<(string Carrier, string TrackingNumber, List<(string LineId, int Quantity)> Lines)> ValidPackages(
        IReadOnlyList<PackageInput>? packages, List<(string LineId, string? Sku, int Quantity)> lines)
    {
        packages ??= [];
        if (packages.Count > FulfillmentLimits.MaxPackages)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidPackage, $"A dispatch has at most {FulfillmentLimits.MaxPackages} packages.", "packages");
        }

        var dispatched = lines.ToDictionary(l => l.LineId, l => l.Quantity, StringComparer.Ordinal);
        var packed = new Dictionary<string, int>(StringComparer.Ordinal);
        var valid = new List<(string, string, List<(string, int)>)>(packages.Count);
        for (var p = 0; p < packages.Count; p++)
        {
            var carrier = TextRules.Optional(packages[p].Carrier, $"packages[{p}].carrier", FulfillmentLimits.MaxIdLength);
            var tracking = TextRules.Optional(packages[p].TrackingNumber, $"packages[{p}].trackingNumber", FulfillmentLimits.MaxReferenceLength);
            if (carrier is null || tracking is null)
            {
                throw FulfillmentRejectedException.Invalid(
                    FulfillmentCodes.PackageIncomplete, $"packages[{p}] needs a carrier and a tracking number.", carrier is null ? $"packages[{p}].carrier" : $"packages[{p}].trackingNumber");
            }

            var packageLines = new List<(string, int)>();
            foreach (var line in packages[p].Lines ?? [])
            {
                if (line.LineId is null || !dispatched.TryGetValue(line.LineId, out var quantity) || line.Quantity <= 0
                    || packed.GetValueOrDefault(line.LineId) + line.Quantity > quantity)
                {
                    throw FulfillmentRejectedException.Invalid(
                        FulfillmentCodes.InvalidPackage, $"packages[{p}] holds line \"{line.LineId}\" that this dispatch does not ship in that quantity.", $"packages[{p}].lines");
                }

                packed[line.LineId] = packed.GetValueOrDefault(line.LineId) + line.Quantity;
                packageLines.Add((line.LineId, line.Quantity));
            }

            valid.Add((carrier, tracking, packageLines));
        }

        return valid;
    }
}
