using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.Contracts.Orders.V1;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// Creates the Shopify fulfillment for one of our shipments: reads the order's fulfillment orders, takes our shipped
/// quantities from the lines still open (our line ids are Shopify's line item ids) and posts one fulfillment with
/// the tracking number. A POST whose answer was lost may have created the fulfillment, and with split shipments
/// the quantity still open does not tell whose it was; so once any of our lines is partly fulfilled, a fulfillment
/// that already carries this shipment's tracking number is taken as ours instead of posting again. Lines held on
/// Shopify's side (fulfillment order on hold or scheduled) keep the command queued until they are released.
/// </summary>
public sealed class FulfillmentCreator(ShopifyAdminClient shopify, NpgsqlDataSource database, Contracts.Orders.V1.Orders.OrdersClient orders)
{
    public async Task<OutboundResult> ExecuteAsync(LeasedCommand leased, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<CreateFulfillmentCommand>(leased.Payload, OutboundQueue.Json)!;
        if ((command.ShopifyOrderId ?? await ShopifyOrderIdAsync(command, cancellationToken)) is not { } shopifyOrderId)
        {
            return OutboundResult.Refused(ShopifyCodes.OrderUnknown, $"Order {command.OrderId} is not a Shopify order this adapter knows.");
        }

        var fulfillmentOrders = await shopify.GetFulfillmentOrdersAsync(shopifyOrderId, cancellationToken);
        if (TouchesFulfilledLines(command, fulfillmentOrders) && command.TrackingNumber is { Length: > 0 } tracking)
        {
            var existing = await shopify.GetFulfillmentsAsync(shopifyOrderId, cancellationToken);
            if (existing.FirstOrDefault(f => string.Equals(f.TrackingNumber, tracking, StringComparison.Ordinal)) is { } ours)
            {
                return OutboundResult.Done("created", (connection, transaction) => RecordAsync(command, shopifyOrderId, ours.Id, connection, transaction, cancellationToken));
            }
        }

        var lines = Allocate(command, fulfillmentOrders, out var held);
        if (held)
        {
            // Marking it done would lose the tracking for good; the merchant releasing the hold is what it waits for.
            return OutboundResult.Later($"Fulfillment orders of Shopify order {shopifyOrderId} are on hold or scheduled; waiting for their release.");
        }

        if (lines.Count == 0)
        {
            return OutboundResult.Done("already_fulfilled", (connection, transaction) => RecordAsync(command, shopifyOrderId, null, connection, transaction, cancellationToken));
        }

        var fulfillment = await shopify.CreateFulfillmentAsync(
            new FulfillmentCreate(lines, new TrackingInfo(command.TrackingNumber, command.Carrier), NotifyCustomer: true), cancellationToken);
        return OutboundResult.Done("created", (connection, transaction) => RecordAsync(command, shopifyOrderId, fulfillment.Id, connection, transaction, cancellationToken));
    }

    /// <summary>
    /// Our shipped quantity per line, taken from the fulfillment order lines of that line item that still have something to fulfil;
    /// <paramref name="held"/> when some of it is left over and could only come from a fulfillment order on hold or scheduled.
    /// </summary>
    public static List<FulfillmentOrderLines> Allocate(CreateFulfillmentCommand command, IReadOnlyList<FulfillmentOrder> fulfillmentOrders, out bool held)
    {
        var wanted = Wanted(command);
        var result = new List<FulfillmentOrderLines>();
        foreach (var fulfillmentOrder in fulfillmentOrders.Where(f => f.Status is "open" or "in_progress"))
        {
            var take = new List<FulfillmentOrderLineQuantity>();
            foreach (var line in fulfillmentOrder.LineItems)
            {
                if (wanted.TryGetValue(line.LineItemId, out var remaining) && remaining > 0 && line.FulfillableQuantity > 0)
                {
                    var quantity = Math.Min(remaining, line.FulfillableQuantity);
                    wanted[line.LineItemId] = remaining - quantity;
                    take.Add(new FulfillmentOrderLineQuantity(line.Id, quantity));
                }
            }

            if (take.Count > 0)
            {
                result.Add(new FulfillmentOrderLines(fulfillmentOrder.Id, take));
            }
        }

        held = fulfillmentOrders
            .Where(f => f.Status is "on_hold" or "scheduled")
            .SelectMany(f => f.LineItems)
            .Any(line => line.FulfillableQuantity > 0 && wanted.GetValueOrDefault(line.LineItemId) > 0);
        return result;
    }

    private static bool TouchesFulfilledLines(CreateFulfillmentCommand command, IReadOnlyList<FulfillmentOrder> fulfillmentOrders)
    {
        var wanted = Wanted(command);
        return fulfillmentOrders.SelectMany(f => f.LineItems).Any(line => wanted.ContainsKey(line.LineItemId) && line.FulfillableQuantity < line.Quantity);
    }

    private static Dictionary<long, int> Wanted(CreateFulfillmentCommand command) => command.Lines
        .Where(l => long.TryParse(l.LineId, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        .GroupBy(l => long.Parse(l.LineId, CultureInfo.InvariantCulture))
        .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));

    private async Task<long?> ShopifyOrderIdAsync(CreateFulfillmentCommand command, CancellationToken cancellationToken)
    {
        await using (var lookup = database.CreateCommand("SELECT shopify_order_id FROM shopify_orders WHERE order_id = @order"))
        {
            lookup.Parameters.AddWithValue("order", command.OrderId);
            if (await lookup.ExecuteScalarAsync(cancellationToken) is long known)
            {
                return known;
            }
        }

        try
        {
            var order = await orders.GetOrderAsync(new GetOrderRequest { OrderId = command.OrderId.ToString(), PartnerId = command.PartnerId }, cancellationToken: cancellationToken);
            return order.Channel == ShopifyOptions.Channel && long.TryParse(order.ChannelOrderId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task RecordAsync(
        CreateFulfillmentCommand command, long shopifyOrderId, long? fulfillmentId, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO shopify_fulfillments (shipment_id, order_id, shopify_order_id, fulfillment_id, tracking_number, carrier)
            VALUES (@shipment, @order, @shopifyOrder, @fulfillment, @tracking, @carrier)
            ON CONFLICT (shipment_id) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue("shipment", command.ShipmentId);
        insert.Parameters.AddWithValue("order", command.OrderId);
        insert.Parameters.AddWithValue("shopifyOrder", shopifyOrderId);
        insert.Parameters.AddWithValue("fulfillment", NpgsqlDbType.Bigint, (object?)fulfillmentId ?? DBNull.Value);
        insert.Parameters.AddWithValue("tracking", NpgsqlDbType.Text, (object?)command.TrackingNumber ?? DBNull.Value);
        insert.Parameters.AddWithValue("carrier", NpgsqlDbType.Text, (object?)command.Carrier ?? DBNull.Value);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
