using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Exceptions;
using Distribution.Aspire.FulfillmentService.Shipments;
using Distribution.Aspire.Messaging.Consuming;
using Npgsql;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService.Routing;

/// <summary>
/// Turns accepted orders into shipment requests, one per node that holds the order's stock, and withdraws
/// the requests of cancelled orders. Runs inside the event's inbox transaction, with the order locked, so a
/// cancellation and an acceptance of one order never interleave, whichever arrives first.
/// </summary>
public sealed class ShipmentRequests(
    OrderLookup orders, NodeDirectory nodes, ExceptionDesk exceptions, FulfillmentTelemetry telemetry, TimeProvider time, ILogger<ShipmentRequests> logger)
{
    private const string AcceptedEvent = "order.accepted";
    private const string CancelledEvent = "order.cancelled";

    public async Task RequestAsync(OrderAccepted accepted, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("request", accepted.Channel);
        activity?.SetTag("fulfillment.order.id", accepted.OrderId.ToString());
        if (accepted.FulfillmentChannel == FulfillmentChannels.Marketplace || accepted.Allocations.Count == 0)
        {
            Ignore(AcceptedEvent, accepted.Allocations.Count == 0 ? "nothing_allocated" : "marketplace_fulfilled", accepted.OrderId);
            return;
        }

        var transaction = context.Transaction;
        await ShipmentRows.LockOrderAsync(transaction, accepted.OrderId, cancellationToken);
        if (await CancelledAsync(transaction, accepted.OrderId, cancellationToken))
        {
            Ignore(AcceptedEvent, "order_cancelled", accepted.OrderId);
            return;
        }

        if (await HasShipmentsAsync(transaction, accepted.OrderId, cancellationToken))
        {
            Ignore(AcceptedEvent, "already_requested", accepted.OrderId);
            return;
        }

        // Ship-to, channel order id, priority and ship-by are not in the event. A failure here throws, so
        // the event is retried and, after the delivery limit, dead-lettered for an operator to replay.
        var order = await orders.GetAsync(accepted.OrderId, cancellationToken)
            ?? throw new InvalidOperationException($"Order {accepted.OrderId} was accepted but the order service does not know it.");
        if (order.Status == OrdersProto.OrderStatus.Cancelled)
        {
            Ignore(AcceptedEvent, "order_cancelled", accepted.OrderId);
            return;
        }

        var now = time.UtcNowMicroseconds();
        var address = order.ShipTo ?? new Address();
        var shipTo = new ShipmentAddress(
            address.Name, address.Line1, string.IsNullOrEmpty(address.Line2) ? null : address.Line2, address.City, address.Region, address.PostalCode, address.Country);
        var shipBy = order.RequestedShipBy?.ToDateTimeOffset();
        var total = order.Totals?.Total is { } money && money.TryGetAmount(out var amount) ? amount : 0m;
        var orderCreatedAt = order.CreatedAt?.ToDateTimeOffset() ?? accepted.AcceptedAt;

        foreach (var group in accepted.Allocations.GroupBy(a => a.LocationId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var node = nodes.Resolve(group.Key);
            var lines = group
                .GroupBy(a => (a.LineId, a.Sku))
                .Select(g => new ShipmentLineItem(g.Key.LineId, g.Key.Sku, g.Sum(a => a.Quantity)))
                .ToList();
            var shipmentId = Guid.CreateVersion7();
            await using (var batch = new NpgsqlBatch(context.Connection, transaction))
            {
                batch.BatchCommands.Add(new(
                    """
                    INSERT INTO shipments (shipment_id, order_id, channel, order_partner_id, channel_order_id, location_id, node_kind, node_partner_id,
                                           priority, ship_by, currency, order_total, order_created_at, progress, progress_at, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'requested', $14, $14, $14)
                    """)
                {
                    Parameters =
                    {
                        new() { Value = shipmentId }, new() { Value = accepted.OrderId }, new() { Value = accepted.Channel },
                        new() { Value = accepted.PartnerId }, new() { Value = order.ChannelOrderId }, new() { Value = node.LocationId },
                        new() { Value = node.Kind }, new() { Value = (object?)node.PartnerId ?? DBNull.Value }, new() { Value = order.Priority },
                        new() { Value = (object?)shipBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                        new() { Value = order.Currency }, new() { Value = total }, new() { Value = orderCreatedAt }, new() { Value = now },
                    },
                });
                batch.BatchCommands.Add(new(
                    "INSERT INTO shipment_lines (shipment_id, line_number, line_id, sku, quantity) SELECT $1, n, l, s, q FROM unnest($2::text[], $3::text[], $4::int[]) WITH ORDINALITY AS u(l, s, q, n)")
                {
                    Parameters =
                    {
                        new() { Value = shipmentId },
                        new() { Value = lines.Select(l => l.LineId).ToArray() },
                        new() { Value = lines.Select(l => l.Sku).ToArray() },
                        new() { Value = lines.Select(l => l.Quantity).ToArray() },
                    },
                });
                batch.BatchCommands.Add(ShipmentRows.HistoryCommand(shipmentId, Milestone.Requested, now, now, "fulfillment", $"requested from {node.LocationId}", applied: true));
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            await context.PublishAsync(
                new ShipmentRequested(
                    shipmentId,
                    accepted.OrderId,
                    accepted.Channel,
                    order.ChannelOrderId,
                    node.LocationId,
                    node.Kind,
                    node.PartnerId,
                    shipTo,
                    lines,
                    order.Priority,
                    shipBy,
                    now),
                cancellationToken);
            telemetry.Requested.Add(1, new("channel", accepted.Channel), new("node", node.LocationId), new("node_kind", node.Kind));
            logger.LogInformation(
                "Shipment {ShipmentId} of order {OrderId} ({Channel}) requested from {Node} ({NodeKind}): {Units} unit(s)",
                shipmentId, accepted.OrderId, accepted.Channel, node.LocationId, node.Kind, lines.Sum(l => l.Quantity));
        }
    }

    public async Task WithdrawAsync(OrderCancelled cancelled, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("cancel", cancelled.Channel);
        activity?.SetTag("fulfillment.order.id", cancelled.OrderId.ToString());
        var transaction = context.Transaction;
        await ShipmentRows.LockOrderAsync(transaction, cancelled.OrderId, cancellationToken);
        var now = time.UtcNowMicroseconds();

        // Kept whatever happens next, so an order.accepted that arrives after this (a replay, a reordering) creates nothing.
        await using (var fact = new NpgsqlCommand(
            "INSERT INTO order_facts (order_id, kind, reason, received_at) VALUES (@order, 'cancelled', @reason, @now) ON CONFLICT DO NOTHING",
            context.Connection,
            transaction))
        {
            fact.Parameters.AddWithValue("order", cancelled.OrderId);
            fact.Parameters.AddWithValue("reason", cancelled.Reason);
            fact.Parameters.AddWithValue("now", now);
            await fact.ExecuteNonQueryAsync(cancellationToken);
        }

        var shipments = await ShipmentRows.LockByOrderAsync(transaction, cancelled.OrderId, cancellationToken);
        if (shipments.Count == 0)
        {
            Ignore(CancelledEvent, "no_shipments", cancelled.OrderId);
            return;
        }

        foreach (var shipment in shipments.Where(s => !s.Cancelled))
        {
            if (shipment.Progress.HasShipped())
            {
                // The goods left before the cancellation reached us: someone has to intercept or take a return.
                await exceptions.RaiseAsync(
                    transaction, shipment, ExceptionKind.Other, $"Order cancelled ({cancelled.Reason}) after the goods left {shipment.LocationId}.", now, cancellationToken);
                continue;
            }

            await ShipmentRows.ExecuteAsync(
                transaction,
                [
                    ShipmentTracking.CancelCommand(shipment.ShipmentId, cancelled.Reason, now),
                    ShipmentRows.HistoryCommand(shipment.ShipmentId, Milestone.Cancelled, cancelled.CancelledAt.ToMicroseconds(), now, "order.cancelled", cancelled.Reason, applied: true),
                ],
                cancellationToken);
            await context.PublishAsync(
                new ShipmentCancelled(shipment.ShipmentId, shipment.OrderId, shipment.LocationId, shipment.NodePartnerId, cancelled.Reason, now), cancellationToken);
            telemetry.Cancelled.Add(1, new("channel", shipment.Channel), new("node", shipment.LocationId), new("by", "order"));
            logger.LogInformation("Shipment {ShipmentId} of order {OrderId} withdrawn from {Node}", shipment.ShipmentId, shipment.OrderId, shipment.LocationId);
        }
    }

    private static async Task<bool> CancelledAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM order_facts WHERE order_id = @id AND kind = 'cancelled'", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<bool> HasShipmentsAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM shipments WHERE order_id = @id LIMIT 1", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private void Ignore(string eventName, string reason, Guid orderId)
    {
        telemetry.CountIgnored(eventName, reason);
        logger.LogInformation("{Event} for order {OrderId} needs no shipment change: {Reason}", eventName, orderId, reason);
    }
}
