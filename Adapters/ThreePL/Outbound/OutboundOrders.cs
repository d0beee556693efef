using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Outbound;

/// <summary>
/// Turns shipment requests and cancellations into queued partner messages (a 940 or a JSON order / cancel), in
/// the caller's transaction: the shipment's reference, the message and its control numbers commit together with
/// the inbox record of the event that caused them.
/// </summary>
public sealed class OutboundOrders(IOptions<ThreePLOptions> options, TimeProvider time)
{
    public const string Order = "order";
    public const string Cancel = "cancel";

    /// <summary>Queues the order; false when the shipment was already requested (or cancelled first).</summary>
    public async Task<bool> RequestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ShipmentRequested request, string partnerId, PartnerProfile partner, CancellationToken cancellationToken)
    {
        var lines = request.Lines.Select(l => new OrderedLineInfo(l.LineId, l.Sku, l.Quantity)).ToList();
        string? reference;
        await using (var claim = new NpgsqlCommand(
            """
            INSERT INTO shipment_orders (shipment_id, partner_id, order_reference, order_id, location_id, lines, status)
            VALUES (@shipment, @partner, 'DA' || lpad(nextval('order_reference_seq')::text, 10, '0'), @order, @location, @lines, 'requested')
            ON CONFLICT (shipment_id) DO NOTHING
            RETURNING order_reference
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("shipment", request.ShipmentId);
            claim.Parameters.AddWithValue("partner", partnerId);
            claim.Parameters.AddWithValue("order", request.OrderId);
            claim.Parameters.AddWithValue("location", request.LocationId);
            claim.Parameters.Add(new NpgsqlParameter("lines", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(lines, ThreePLJson.Options) });
            reference = (string?)await claim.ExecuteScalarAsync(cancellationToken);
        }

        if (reference is null)
        {
            return false;
        }

        if (partner.IsX12)
        {
            var order = new WarehouseShippingOrder(
                X12Codes.OrderOriginal,
                reference,
                NullIfEmpty(X12Writer.Clean(request.ChannelOrderId, WarehouseShippingOrder940.MaxReference)),
                new ShipToParty(
                    X12Writer.Clean(request.ShipTo.Name, WarehouseShippingOrder940.MaxName),
                    X12Writer.Clean(request.ShipTo.Line1, WarehouseShippingOrder940.MaxAddressLine),
                    NullIfEmpty(X12Writer.Clean(request.ShipTo.Line2, WarehouseShippingOrder940.MaxAddressLine)),
                    X12Writer.Clean(request.ShipTo.City, WarehouseShippingOrder940.MaxCity),
                    NullIfEmpty(X12Writer.Clean(request.ShipTo.Region, WarehouseShippingOrder940.MaxRegion)),
                    NullIfEmpty(X12Writer.Clean(request.ShipTo.PostalCode, WarehouseShippingOrder940.MaxPostalCode)),
                    NullIfEmpty(X12Writer.Clean(request.ShipTo.Country, WarehouseShippingOrder940.MaxCountry))),
                WarehouseCodeFor(partner, request.LocationId),
                request.ShipBy is { } shipBy ? DateOnly.FromDateTime(shipBy.UtcDateTime) : null,
                [.. request.Lines.Select(l => new ShippingOrderLine(
                    X12Writer.Clean(l.LineId, WarehouseShippingOrder940.MaxLineId), X12Writer.Clean(l.Sku, WarehouseShippingOrder940.MaxSku), l.Quantity, "EA"))]);
            await QueueX12Async(connection, transaction, request.ShipmentId, partnerId, partner, Order, order, cancellationToken);
        }
        else
        {
            var body = JsonSerializer.Serialize(new
            {
                type = "order",
                reference,
                purchase_order = request.ChannelOrderId,
                ship_to = new
                {
                    name = request.ShipTo.Name,
                    line1 = request.ShipTo.Line1,
                    line2 = request.ShipTo.Line2,
                    city = request.ShipTo.City,
                    region = request.ShipTo.Region,
                    postal_code = request.ShipTo.PostalCode,
                    country = request.ShipTo.Country,
                },
                lines = request.Lines.Select(l => new { line_id = l.LineId, sku = l.Sku, quantity = l.Quantity }),
                ship_by = request.ShipBy,
                priority = request.Priority,
                requested_at = request.RequestedAt,
            }, ThreePLJson.Options);
            await InsertMessageAsync(connection, transaction, partnerId, request.ShipmentId, Order, "json", body, null, null, null, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// Withdraws the shipment at the 3PL: an order never attempted is simply not sent; one sent, or attempted and
    /// still being retried, gets a cancel queued behind it (940 with W05-01 = C, or a JSON cancel). A cancellation
    /// that arrives first leaves a tombstone, so a late request is never sent.
    /// </summary>
    public async Task CancelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ShipmentCancelled cancelled, string partnerId, PartnerProfile partner, CancellationToken cancellationToken)
    {
        string? status = null, reference = null;
        await using (var select = new NpgsqlCommand("SELECT status, order_reference FROM shipment_orders WHERE shipment_id = @shipment FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue("shipment", cancelled.ShipmentId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                (status, reference) = (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            }
        }

        if (status is null)
        {
            await using var tombstone = new NpgsqlCommand(
                "INSERT INTO shipment_orders (shipment_id, partner_id, order_id, location_id, status) VALUES (@shipment, @partner, @order, @location, 'cancelled') ON CONFLICT DO NOTHING",
                connection, transaction);
            tombstone.Parameters.AddWithValue("shipment", cancelled.ShipmentId);
            tombstone.Parameters.AddWithValue("partner", partnerId);
            tombstone.Parameters.AddWithValue("order", cancelled.OrderId);
            tombstone.Parameters.AddWithValue("location", cancelled.LocationId);
            await tombstone.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        if (status == "cancelled")
        {
            return;
        }

        await using (var mark = new NpgsqlCommand("UPDATE shipment_orders SET status = 'cancelled' WHERE shipment_id = @shipment", connection, transaction))
        {
            mark.Parameters.AddWithValue("shipment", cancelled.ShipmentId);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        // Only an order never attempted is known not to be at the 3PL. Once a request went out, a failed answer (5xx,
        // timeout, dropped connection) does not mean the 3PL refused it, so the order stays queued and the cancel goes
        // behind it: the 3PL ends up with the order cancelled whatever happened to it. The update waits for a send in
        // progress (the sender holds the row) and then sees its attempt counted.
        await using (var withdraw = new NpgsqlCommand(
            "UPDATE outbound_messages SET status = 'withdrawn' WHERE shipment_id = @shipment AND kind = 'order' AND status = 'pending' AND attempts = 0",
            connection, transaction))
        {
            withdraw.Parameters.AddWithValue("shipment", cancelled.ShipmentId);
            if (await withdraw.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return;
            }
        }

        if (partner.IsX12)
        {
            var order = new WarehouseShippingOrder(X12Codes.OrderCancellation, reference!, null, null, null, null, []);
            await QueueX12Async(connection, transaction, cancelled.ShipmentId, partnerId, partner, Cancel, order, cancellationToken);
        }
        else
        {
            var body = JsonSerializer.Serialize(new { type = "cancel", reference, reason = cancelled.Reason, cancelled_at = cancelled.CancelledAt }, ThreePLJson.Options);
            await InsertMessageAsync(connection, transaction, partnerId, cancelled.ShipmentId, Cancel, "json", body, null, null, null, cancellationToken);
        }
    }

    private async Task QueueX12Async(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid shipmentId, string partnerId, PartnerProfile partner, string kind, WarehouseShippingOrder order, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (interchangeControl, groupControl) = await ControlNumbers.NextInterchangeAndGroupAsync(connection, transaction, partnerId, cancellationToken);
        const string SetControl = "0001";
        var header = new X12InterchangeHeader(
            settings.InterchangeQualifier, settings.InterchangeId, partner.InterchangeQualifier, partner.InterchangeId,
            time.GetUtcNow(), interchangeControl, partner.Test, AcknowledgmentRequested: false);
        var text = X12Writer.Write(header, [new X12GroupContent(X12Codes.WarehouseShippingOrderGroup, groupControl, [WarehouseShippingOrder940.Write(order, SetControl)])]);
        var isa = interchangeControl.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var gs = groupControl.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using (var record = new NpgsqlCommand(
            """
            INSERT INTO interchanges (partner_id, direction, control_number, document, status) VALUES (@partner, 'outbound', @isa, @document, 'queued');
            INSERT INTO interchange_groups (partner_id, direction, group_control, interchange_control, functional_id) VALUES (@partner, 'outbound', @gs, @isa, 'OW');
            """, connection, transaction))
        {
            record.Parameters.AddWithValue("partner", partnerId);
            record.Parameters.AddWithValue("isa", isa);
            record.Parameters.AddWithValue("gs", gs);
            record.Parameters.AddWithValue("document", text);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await InsertMessageAsync(connection, transaction, partnerId, shipmentId, kind, "x12", text, isa, gs, SetControl, cancellationToken);
    }

    private static async Task InsertMessageAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, Guid shipmentId, string kind, string format, string body,
        string? interchangeControl, string? groupControl, string? setControl, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO outbound_messages (partner_id, shipment_id, kind, format, body, interchange_control, group_control, set_control)
            VALUES (@partner, @shipment, @kind, @format, @body, @isa, @gs, @st)
            ON CONFLICT (shipment_id, kind) DO NOTHING
            """, connection, transaction);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("shipment", shipmentId);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("format", format);
        command.Parameters.AddWithValue("body", body);
        command.Parameters.AddWithValue("isa", (object?)interchangeControl ?? DBNull.Value);
        command.Parameters.AddWithValue("gs", (object?)groupControl ?? DBNull.Value);
        command.Parameters.AddWithValue("st", (object?)setControl ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The partner's code for our location (the reverse of its 846 warehouse map), when it has one.</summary>
    private static string? WarehouseCodeFor(PartnerProfile partner, string locationId) =>
        partner.Locations.FirstOrDefault(l => l.Value == locationId).Key is { } code ? X12Writer.Clean(code, 30) : null;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
