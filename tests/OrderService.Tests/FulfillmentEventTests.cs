using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>The order side of fulfillment's events: requested → released, dispatched → (partially) shipped, delivered → delivered.</summary>
public sealed class FulfillmentEventTests(OrderHost host) : IClassFixture<OrderHost>
{
    private const string Channel = "shopify";
    private const string PartnerId = "shop-fulfillment";

    [Fact]
    public async Task Dispatches_release_and_ship_the_order_in_steps_once_per_dispatch_id()
    {
        var (orderId, id) = await AcceptedOrderAsync(("1", "WH-1"), ("2", "WH-1"));
        var shipmentId = Guid.NewGuid();

        await HandleAsync(Requested(id, shipmentId, "WH-1"));
        var released = await GetAsync(orderId);
        await HandleAsync(Dispatched(id, shipmentId, "D-1", ("1", "SKU-1", 1), new ShippedPackage("UPS", "1Z1"), new ShippedPackage("UPS", "1Z2")));
        var partial = await GetAsync(orderId);
        await HandleAsync(Dispatched(id, shipmentId, "D-1", ("1", "SKU-1", 1)));
        var repeated = await GetAsync(orderId);
        await HandleAsync(Dispatched(id, shipmentId, "D-2", ("2", "SKU-2", 1)));
        var shipped = await GetAsync(orderId);

        Assert.Equal(Proto.OrderStatus.Released, released.Status);
        Assert.Equal(Proto.OrderStatus.PartiallyShipped, partial.Status);
        Assert.Equal(partial.Version, repeated.Version);
        Assert.Equal(Proto.OrderStatus.Shipped, shipped.Status);
        Assert.All(shipped.Lines, line => Assert.Equal(line.Quantity, line.ShippedQuantity));
        var events = await host.PublishedAsync("distribution.order.shipped.v1", id);
        Assert.Equal([("D-1", false, "1Z1"), ("D-2", true, null)], events.Select(e => (
            e.GetProperty("shipmentId").GetString(), e.GetProperty("complete").GetBoolean(), e.GetProperty("trackingNumber").GetString())));
    }

    [Fact]
    public async Task An_order_split_over_two_nodes_is_delivered_only_when_both_shipments_arrived()
    {
        var (orderId, id) = await AcceptedOrderAsync(("1", "WH-1"), ("2", "3PL-1"));
        var (east, threePl) = (Guid.NewGuid(), Guid.NewGuid());

        await HandleAsync(Requested(id, east, "WH-1"));
        await HandleAsync(Requested(id, threePl, "3PL-1"));
        await HandleAsync(Dispatched(id, east, Guid.NewGuid().ToString(), ("1", "SKU-1", 1)));
        await HandleAsync(new ShipmentDelivered(east, id, Channel, DateTimeOffset.UtcNow));
        var firstArrived = await GetAsync(orderId);
        await HandleAsync(Dispatched(id, threePl, Guid.NewGuid().ToString(), ("2", "SKU-2", 1)));
        var allShipped = await GetAsync(orderId);
        await HandleAsync(new ShipmentDelivered(threePl, id, Channel, DateTimeOffset.UtcNow));
        var delivered = await GetAsync(orderId);
        await HandleAsync(new ShipmentDelivered(threePl, id, Channel, DateTimeOffset.UtcNow));

        Assert.Equal(Proto.OrderStatus.PartiallyShipped, firstArrived.Status);
        Assert.Equal(Proto.OrderStatus.Shipped, allShipped.Status);
        Assert.Equal(Proto.OrderStatus.Delivered, delivered.Status);
        Assert.Equal(delivered.Version, (await GetAsync(orderId)).Version);
        Assert.Single(await host.PublishedAsync("distribution.order.delivered.v1", id));
    }

    [Fact]
    public async Task A_dispatch_for_a_cancelled_order_or_beyond_the_ordered_quantity_changes_nothing()
    {
        var (cancelledId, cancelled) = await AcceptedOrderAsync(("1", "WH-1"), ("2", "WH-1"));
        await host.Grpc.CancelOrderAsync(new Proto.CancelOrderRequest { OrderId = cancelledId, Reason = "buyer" });
        var (releasedId, released) = await AcceptedOrderAsync(("1", "WH-1"), ("2", "WH-1"));
        var shipmentId = Guid.NewGuid();
        await HandleAsync(Requested(released, shipmentId, "WH-1"));
        var before = await GetAsync(releasedId);

        await HandleAsync(Dispatched(cancelled, Guid.NewGuid(), "D-1", ("1", "SKU-1", 1)));
        await HandleAsync(Dispatched(released, shipmentId, "D-1", ("1", "SKU-1", 5)));
        await HandleAsync(Dispatched(released, shipmentId, "D-2", ("9", "SKU-9", 1)));

        Assert.Equal(Proto.OrderStatus.Cancelled, (await GetAsync(cancelledId)).Status);
        var after = await GetAsync(releasedId);
        Assert.Equal(Proto.OrderStatus.Released, after.Status);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM order_shipments WHERE order_id = ANY(@p0)", new[] { cancelled, released }));
        Assert.Empty(await host.PublishedAsync("distribution.order.shipped.v1", released));
    }

    private async Task<(string OrderId, Guid Id)> AcceptedOrderAsync(params (string LineId, string LocationId)[] allocations)
    {
        var created = (await host.Grpc.SubmitOrderAsync(GrpcOrders.Request(Channel, PartnerId, OrderBodies.NewChannelOrderId()))).Order;
        var id = Guid.Parse(created.OrderId);
        var lines = allocations.Select(a => new AllocatedLine(a.LineId, $"SKU-{a.LineId}", a.LocationId, 1)).ToList();
        await HandleAsync(new InventoryReserved(id, lines, false, DateTimeOffset.UtcNow));
        Assert.Equal(Proto.OrderStatus.Accepted, (await GetAsync(created.OrderId)).Status);
        return (created.OrderId, id);
    }

    private static ShipmentRequested Requested(Guid orderId, Guid shipmentId, string locationId) => new(
        shipmentId, orderId, Channel, "PO-1", locationId, "warehouse", null,
        new ShipmentAddress("Ada Buyer", "1 Main St", null, "Springfield", "IL", "62701", "US"), [], 0, null, DateTimeOffset.UtcNow);

    private static ShipmentDispatched Dispatched(Guid orderId, Guid shipmentId, string dispatchId, (string LineId, string Sku, int Quantity) line, params ShippedPackage[] packages) =>
        new(shipmentId, orderId, Channel, "WH-1", dispatchId, [new ShipmentLineItem(line.LineId, line.Sku, line.Quantity)], packages, DateTimeOffset.UtcNow);

    private async Task HandleAsync<TEvent>(TEvent @event) where TEvent : Contracts.Events.IIntegrationEvent =>
        await host.WaitHandledAsync(await host.PublishAsync(@event));

    private async Task<Proto.Order> GetAsync(string orderId) => await host.Grpc.GetOrderAsync(new Proto.GetOrderRequest { OrderId = orderId });
}
