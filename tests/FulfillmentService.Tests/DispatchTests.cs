using Grpc.Core;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>Goods leaving a node: partial and multi-package dispatches, idempotent on the partner's dispatch id, never more than requested.</summary>
public sealed class DispatchTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "amazon";

    [Fact]
    public async Task Partial_and_multi_package_dispatches_ship_the_order_in_steps_once_per_dispatch_id()
    {
        var shipment = await host.OneShipmentAsync(Channel, ("1", 2, "10.00"), ("2", 1, "5.00"));
        var orderId = Guid.Parse(shipment.OrderId);

        var first = await host.Fulfillment.RecordDispatchAsync(Dispatch(shipment.ShipmentId, "945-1", [("1", 1)], ("UPS", "1Z1", [])));
        await host.WaitOrderStatusAsync(orderId, OrdersProto.OrderStatus.PartiallyShipped);
        var repeated = await host.Fulfillment.RecordDispatchAsync(Dispatch(shipment.ShipmentId, "945-1", [("1", 1)], ("UPS", "1Z1", [])));
        var second = await host.Fulfillment.RecordDispatchAsync(Dispatch(
            shipment.ShipmentId, "945-2", [("1", 1), ("2", 1)], ("FEDEX", "7741", [("1", 1)]), ("FEDEX", "7742", [("2", 1)])));
        var order = await host.WaitOrderStatusAsync(orderId, OrdersProto.OrderStatus.Shipped);

        Assert.Equal([1, 0], first.Lines.Select(l => l.ShippedQuantity));
        Assert.Equal(FulfillmentProto.Milestone.Shipped, first.Milestone);
        Assert.Equal(first.History.Count, repeated.History.Count);
        Assert.Equal([2, 1], second.Lines.Select(l => l.ShippedQuantity));
        Assert.Equal(["1Z1", "7741", "7742"], second.Packages.Select(p => p.TrackingNumber));
        Assert.Equal(("1", 1), (second.Packages[1].Lines[0].LineId, second.Packages[1].Lines[0].Quantity));
        Assert.Equal([true, false], second.History.Where(h => h.Milestone == FulfillmentProto.Milestone.Shipped).Select(h => h.Applied));
        Assert.All(order.Lines, line => Assert.Equal(line.Quantity, line.ShippedQuantity));

        var dispatched = await host.PublishedAsync("fulfillment", "distribution.fulfillment.shipment_dispatched.v1", orderId);
        Assert.Equal(2, dispatched.Count);
        Assert.Equal(["7741", "7742"], dispatched[1].GetProperty("packages").EnumerateArray().Select(p => p.GetProperty("trackingNumber").GetString()));
        Assert.Equal(2, dispatched[1].GetProperty("lines").GetArrayLength());
        var shipped = await host.PublishedAsync("orders", "distribution.order.shipped.v1", orderId);
        Assert.Equal([false, true], shipped.Select(e => e.GetProperty("complete").GetBoolean()));
    }

    [Fact]
    public async Task Shipping_more_than_requested_or_bad_lines_and_packages_are_refused_and_nothing_is_applied()
    {
        var shipment = await host.OneShipmentAsync(Channel, ("1", 2, "10.00"), ("2", 1, "5.00"));
        await host.Fulfillment.RecordDispatchAsync(Dispatch(shipment.ShipmentId, "945-1", [("1", 1)]));
        var before = await host.Fulfillment.GetShipmentAsync(new FulfillmentProto.GetShipmentRequest { ShipmentId = shipment.ShipmentId });

        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", [("2", 1), ("1", 2)]), "quantity_exceeds_requested", "lines[1].quantity");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", [("9", 1)]), "unknown_line", "lines[0].lineId");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", [("1", 0)]), "invalid_quantity", "lines[0].quantity");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", [("1", 1), ("1", 1)]), "duplicate_line_id", "lines[1].lineId");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "", [("1", 1)]), "dispatch_id_required", "dispatchId");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", []), "lines_required", "lines");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", [("1", 1)], ("UPS", "", [])), "package_incomplete", "packages[0].trackingNumber");
        await AssertRefusedAsync(Dispatch(shipment.ShipmentId, "945-2", [("1", 1)], ("UPS", "1Z9", [("2", 1)])), "invalid_package", "packages[0].lines");
        var wrongSku = Dispatch(shipment.ShipmentId, "945-2", [("1", 1)]);
        wrongSku.Lines[0].Sku = "SKU-OTHER";
        await AssertRefusedAsync(wrongSku, "sku_mismatch", "lines[0].sku");
        var unknown = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.RecordDispatchAsync(Dispatch(Guid.NewGuid().ToString(), "945-2", [("1", 1)])).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, "shipment_not_found"), (unknown.StatusCode, unknown.Trailers.GetValue("error-code")));
        var after = await host.Fulfillment.GetShipmentAsync(new FulfillmentProto.GetShipmentRequest { ShipmentId = shipment.ShipmentId });
        Assert.Equal(before, after);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM dispatches WHERE shipment_id = @p0", Guid.Parse(shipment.ShipmentId)));
        Assert.Single(await host.PublishedAsync("fulfillment", "distribution.fulfillment.shipment_dispatched.v1", Guid.Parse(shipment.OrderId)));
    }

    private async Task AssertRefusedAsync(FulfillmentProto.RecordDispatchRequest request, string code, string field)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.RecordDispatchAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(code, refused.Trailers.GetValue("error-code"));
        Assert.Equal(field, refused.Trailers.GetValue("error-field"));
    }

    private static FulfillmentProto.RecordDispatchRequest Dispatch(
        string shipmentId, string dispatchId, (string LineId, int Quantity)[] lines, params (string Carrier, string Tracking, (string LineId, int Quantity)[] Lines)[] packages)
    {
        var request = new FulfillmentProto.RecordDispatchRequest { ShipmentId = shipmentId, DispatchId = dispatchId, Source = "edi:945" };
        request.Lines.AddRange(lines.Select(l => new FulfillmentProto.DispatchedLine { LineId = l.LineId, Quantity = l.Quantity }));
        foreach (var (carrier, tracking, packageLines) in packages)
        {
            var package = new FulfillmentProto.Package { Carrier = carrier, TrackingNumber = tracking };
            package.Lines.AddRange(packageLines.Select(l => new FulfillmentProto.ShipmentLine { LineId = l.LineId, Quantity = l.Quantity }));
            request.Packages.Add(package);
        }

        return request;
    }
}
