using System.Text;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Operations.Exceptions;
using Grpc.Core;
using Microsoft.Extensions.Options;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.Operations.Orders;

/// <summary>
/// An order's full story for operators: the header and status history from the order service, shipments and their
/// milestones from fulfillment (both over gRPC, the system APIs operators' tools use), merged into one timeline in
/// time order, and the open exceptions that concern the order.
/// </summary>
public sealed class OrderTimeline(
    OrdersProto.Orders.OrdersClient orders,
    FulfillmentProto.Fulfillment.FulfillmentClient fulfillment,
    ExceptionBoard exceptions,
    OperationsTelemetry telemetry,
    IOptions<OperationsOptions> options)
{
    public async Task<OrderSearchResult> SearchAsync(string query, CancellationToken cancellationToken)
    {
        using var activity = telemetry.StartRead("order");
        query = query.Trim();
        try
        {
            if (Guid.TryParse(query, out var orderId) && await GetAsync(orderId, cancellationToken) is { } byId)
            {
                return new OrderSearchResult(await TimelineAsync(byId, cancellationToken), [], null);
            }

            // Every partner's order of this channel order id (two partners may both send "PO-1001").
            var listed = await orders.ListOrdersAsync(
                new OrdersProto.ListOrdersRequest { ChannelOrderId = query, PageSize = 50 }, deadline: Deadline(), cancellationToken: cancellationToken);
            return listed.Orders.Count switch
            {
                0 => new OrderSearchResult(null, [], null),
                1 => new OrderSearchResult(await TimelineAsync(listed.Orders[0], cancellationToken), [], null),
                _ => new OrderSearchResult(null, [.. listed.Orders.Select(o => new OrderMatch(o.OrderId, o.PartnerId, o.Channel, Wire(o.Status), o.CreatedAt?.ToDateTimeOffset()))], null),
            };
        }
        catch (RpcException ex) when (ex.StatusCode is not StatusCode.NotFound and not StatusCode.InvalidArgument)
        {
            telemetry.Unreachable("orderservice");
            return new OrderSearchResult(null, [], $"The order service did not answer ({ex.StatusCode}).");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            return new OrderSearchResult(null, [], $"Not a valid search: {ex.Status.Detail}");
        }
    }

    private async Task<OrdersProto.Order?> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        try
        {
            return await orders.GetOrderAsync(new OrdersProto.GetOrderRequest { OrderId = orderId.ToString() }, deadline: Deadline(), cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<OrderTimelineView> TimelineAsync(OrdersProto.Order order, CancellationToken cancellationToken)
    {
        var shipmentsRead = ShipmentsAsync(order.OrderId, cancellationToken);
        var exceptionsRead = exceptions.CollectAsync(cancellationToken);
        await Task.WhenAll(shipmentsRead, exceptionsRead);
        var (shipments, shipmentsFailure) = await shipmentsRead;
        var board = await exceptionsRead;

        var timeline = order.History.Select(change => new TimelineEntry(
                change.At?.ToDateTimeOffset() ?? DateTimeOffset.MinValue, "order", Wire(change.Status), Blank(change.Reason)))
            .Concat(shipments.SelectMany(shipment => shipment.History.Select(entry => new TimelineEntry(
                (entry.OccurredAt ?? entry.RecordedAt)?.ToDateTimeOffset() ?? DateTimeOffset.MinValue,
                $"shipment {Short(shipment.ShipmentId)} ({shipment.LocationId})",
                Wire(entry.Milestone),
                Detail(entry),
                entry.Applied))))
            // A stable sort: entries at the same instant keep the order each service recorded them in.
            .OrderBy(entry => entry.At)
            .ToList();

        return new OrderTimelineView(
            Header(order),
            timeline,
            [.. shipments.Select(Shipment)],
            shipmentsFailure,
            [.. board.Items.Where(e => e.Concerns(order.OrderId, order.ChannelOrderId))],
            board.Unreachable);
    }

    private async Task<(IReadOnlyList<FulfillmentProto.Shipment> Shipments, string? Failure)> ShipmentsAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await fulfillment.ListShipmentsAsync(
                new FulfillmentProto.ListShipmentsRequest { OrderId = orderId, PageSize = 100 }, deadline: Deadline(), cancellationToken: cancellationToken);
            return (answer.Shipments, null);
        }
        catch (RpcException ex)
        {
            telemetry.Unreachable("fulfillmentservice");
            return ([], $"Fulfillment did not answer ({ex.StatusCode}); shipments are not shown.");
        }
    }

    private DateTime Deadline() => DateTime.UtcNow.AddSeconds(options.Value.BackendTimeoutSeconds);

    private static OrderHeader Header(OrdersProto.Order order) => new(
        order.OrderId, order.Channel, order.PartnerId, order.ChannelOrderId, Wire(order.Status), order.Currency, order.Totals?.Total?.Amount ?? "",
        order.Priority, Wire(order.FulfillmentChannel), MaskedShipTo(order.ShipTo), order.CreatedAt?.ToDateTimeOffset(), order.UpdatedAt?.ToDateTimeOffset(),
        [.. order.Lines.Select(l => new OrderLineView(l.LineId, l.Sku, l.Quantity, l.ShippedQuantity, l.UnitPrice?.Amount ?? "", l.Total?.Amount ?? ""))]);

    private static ShipmentView Shipment(FulfillmentProto.Shipment shipment) => new(
        shipment.ShipmentId, shipment.LocationId, shipment.NodeKind, Blank(shipment.PartnerId), Wire(shipment.Milestone),
        [.. shipment.Lines.Select(l => new OrderLineView(l.LineId, l.Sku, l.Quantity, l.ShippedQuantity, "", ""))],
        [.. shipment.Packages.Select(p => new PackageView(p.Carrier, p.TrackingNumber))]);

    /// <summary>Operators need to know who and roughly where, never the street: name, city and country only.</summary>
    public static string MaskedShipTo(Address? address) =>
        address is null ? "" : string.Join(", ", new[] { address.Name, address.City, address.Country }.Where(part => !string.IsNullOrWhiteSpace(part)));

    private static string? Detail(FulfillmentProto.MilestoneEntry entry)
    {
        var parts = new[] { Blank(entry.Detail), Blank(entry.Source) is { } source ? $"from {source}" : null, entry.Applied ? null : "late or repeated: not applied" };
        return parts.Any(p => p is not null) ? string.Join("; ", parts.OfType<string>()) : null;
    }

    private static string Short(string id) => id.Length > 8 ? id[..8] : id;

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>The v1 wire name of a proto enum value: <c>PartiallyShipped</c> → <c>partially_shipped</c>.</summary>
    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var wire = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                wire.Append('_');
            }

            wire.Append(char.ToLowerInvariant(name[i]));
        }

        return wire.ToString();
    }
}
