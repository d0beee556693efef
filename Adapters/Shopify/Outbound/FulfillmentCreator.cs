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
/// the tracking number. Reading first also makes a retry after an unanswered POST safe: lines already fulfilled
/// are not fulfilled again.
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
        var lines = Allocate(command, fulfillmentOrders);
        if (lines.Count == 0)
        {
            return OutboundResult.Done("already_fulfilled", (connection, transaction) => RecordAsync(command, shopifyOrderId, null, connection, transaction, cancellationToken));
        }

        var fulfillment = await shopify.CreateFulfillmentAsync(
            new FulfillmentCreate(lines, new TrackingInfo(command.TrackingNumber, command.Carrier), NotifyCustomer: true), cancellationToken);
        return OutboundResult.Done("created", (connection, transaction) => RecordAsync(command, shopifyOrderId, fulfillment.Id, connection, transaction, cancellationToken));
    }

    /// <summary>Our shipped quantity per line, taken from the fulfillment order lines of that line item that still have something to fulfil.</summary>
    public static List<FulfillmentOrderLines> Allocate(CreateFulfillmentCommand command, IReadOnlyList<FulfillmentOrder> fulfillmentOrders)
    {
        var wanted = command.Lines
            .Where(l => long.TryParse(l.LineId, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .GroupBy(l => long.Parse(l.LineId, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
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

        return result;
    }

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
