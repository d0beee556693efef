using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Grpc.Core;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>Lifecycle requests over gRPC and the partner JSON cancel, against orders brought into every status.</summary>
public sealed class LifecycleTests(OrderHost host) : IClassFixture<OrderHost>
{
    private const string Channel = "shopify";
    private const string PartnerId = "shop-lifecycle";

    // Which request each status allows, written from the documented lifecycle: asking for the status the
    // order already has is a retry (allowed, nothing changes); everything else is illegal_transition.
    private static readonly Dictionary<string, string[]> AllowedRequests = new()
    {
        ["received"] = ["cancel"],
        ["backordered"] = ["cancel"],
        ["accepted"] = ["release", "cancel"],
        ["released"] = ["release", "ship", "cancel"],
        ["partially_shipped"] = ["ship"],
        ["shipped"] = ["deliver", "return"],
        ["delivered"] = ["deliver", "return"],
        ["cancelled"] = ["cancel"],
        ["returned"] = ["return"],
    };

    public static TheoryData<string, string> StatusAndRequest()
    {
        var data = new TheoryData<string, string>();
        foreach (var status in AllowedRequests.Keys)
        {
            foreach (var request in new[] { "release", "ship", "deliver", "return", "cancel" })
            {
                data.Add(status, request);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StatusAndRequest))]
    public async Task Every_lifecycle_request_is_allowed_or_refused_with_illegal_transition_by_status(string status, string request)
    {
        var order = await OrderInStatusAsync(status);
        var allowed = AllowedRequests[status].Contains(request);

        var call = request switch
        {
            "release" => host.Grpc.ReleaseOrderAsync(new Proto.ReleaseOrderRequest { OrderId = order.OrderId }).ResponseAsync,
            "ship" => host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "2", 1)).ResponseAsync,
            "deliver" => host.Grpc.MarkDeliveredAsync(new Proto.MarkDeliveredRequest { OrderId = order.OrderId }).ResponseAsync,
            "return" => host.Grpc.MarkReturnedAsync(new Proto.MarkReturnedRequest { OrderId = order.OrderId }).ResponseAsync,
            _ => host.Grpc.CancelOrderAsync(new Proto.CancelOrderRequest { OrderId = order.OrderId, Reason = "test" }).ResponseAsync,
        };

        if (allowed)
        {
            await call;
            return;
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal("illegal_transition", refused.Trailers.GetValue("error-code"));
        var after = await host.Grpc.GetOrderAsync(new Proto.GetOrderRequest { OrderId = order.OrderId });
        Assert.Equal(order.Version, after.Version);
        Assert.Equal(order.Status, after.Status);
    }

    [Fact]
    public async Task A_partner_cancels_before_shipment_and_order_cancelled_is_published()
    {
        using var partner = host.Partner("b2b-cancel");
        var order = await partner.SubmitOkAsync(OrderBodies.Valid());

        using var response = await partner.PostAsync($"/v1/orders/{order.OrderId()}:cancel", JsonContent.Create(new { reason = "customer changed mind" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("cancelled", cancelled.Status());
        var published = Assert.Single(await host.PublishedAsync("distribution.order.cancelled.v1", order.OrderId()));
        Assert.Equal("customer changed mind", published.GetProperty("reason").GetString());

        // Asked again (a retry): the same answer, no second event.
        using var again = await partner.PostAsync($"/v1/orders/{order.OrderId()}:cancel", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(cancelled["version"]!.GetValue<long>(), (await again.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<long>());
        Assert.Single(await host.PublishedAsync("distribution.order.cancelled.v1", order.OrderId()));
    }

    [Fact]
    public async Task A_partner_cancel_after_the_first_shipment_is_refused_with_409_illegal_transition()
    {
        var order = await OrderInStatusAsync("partially_shipped", partnerId: "b2b-late-cancel", channel: "b2b");
        using var partner = host.Partner("b2b-late-cancel");

        using var response = await partner.PostAsync($"/v1/orders/{order.OrderId}:cancel", null);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "illegal_transition");
        Assert.Equal("partially_shipped", (await partner.GetOrderAsync(Guid.Parse(order.OrderId))).Status());
    }

    [Fact]
    public async Task A_cancellation_before_the_order_exists_is_kept_and_applied_when_it_arrives()
    {
        using var partner = host.Partner("early-bird", Channel);
        var body = OrderBodies.Valid();
        var key = body["channelOrderId"]!.GetValue<string>();

        var early = await host.Grpc.CancelOrderAsync(new Proto.CancelOrderRequest
        {
            Channel = Channel, PartnerId = "early-bird", ChannelOrderId = key, Reason = "buyer cancelled",
        });
        Assert.Equal(Proto.OrderStatus.Cancelled, early.Status);
        Assert.Equal(string.Empty, early.OrderId);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE channel_order_id = @p0", key));

        var order = await partner.SubmitOkAsync(body);

        Assert.Equal("created", order["outcome"]!.GetValue<string>());
        Assert.Equal("cancelled", order.Status());
        Assert.Equal(["received", "cancelled"], order["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Single(await host.PublishedAsync("distribution.order.received.v1", order.OrderId()));
        var cancelled = Assert.Single(await host.PublishedAsync("distribution.order.cancelled.v1", order.OrderId()));
        Assert.Equal("buyer cancelled", cancelled.GetProperty("reason").GetString());
        Assert.Equal(order.OrderId(), await host.ScalarAsync<Guid>("SELECT order_id FROM order_early_facts WHERE channel_order_id = @p0", key));

        // The same order again is a resubmission of a cancelled order: same id, nothing changes.
        var again = await partner.SubmitOkAsync(body);
        Assert.Equal("unchanged", again["outcome"]!.GetValue<string>());
        Assert.Equal("cancelled", again.Status());
    }

    [Fact]
    public async Task A_cancellation_by_channel_order_id_of_an_existing_order_cancels_it()
    {
        var key = OrderBodies.NewChannelOrderId();
        var created = await host.Grpc.SubmitOrderAsync(GrpcOrders.Request(Channel, PartnerId, key));

        var cancelled = await host.Grpc.CancelOrderAsync(new Proto.CancelOrderRequest { Channel = Channel, PartnerId = PartnerId, ChannelOrderId = key });

        Assert.Equal(created.Order.OrderId, cancelled.OrderId);
        Assert.Equal(Proto.OrderStatus.Cancelled, cancelled.Status);
    }

    [Fact]
    public async Task Shipments_are_recorded_once_each_and_the_order_ships_then_is_delivered()
    {
        var order = await OrderInStatusAsync("released");

        var partial = await host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "1", 1, "SHP-1"));
        var duplicate = await host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "1", 1, "SHP-1"));
        var complete = await host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "2", 1, "SHP-2"));
        var delivered = await host.Grpc.MarkDeliveredAsync(new Proto.MarkDeliveredRequest { OrderId = order.OrderId });

        Assert.Equal(Proto.OrderStatus.PartiallyShipped, partial.Status);
        Assert.Equal(partial.Version, duplicate.Version);
        Assert.Equal(Proto.OrderStatus.Shipped, complete.Status);
        Assert.All(complete.Lines, line => Assert.Equal(line.Quantity, line.ShippedQuantity));
        Assert.Equal(Proto.OrderStatus.Delivered, delivered.Status);
        var id = Guid.Parse(order.OrderId);
        var shipped = await host.PublishedAsync("distribution.order.shipped.v1", id);
        Assert.Equal([("SHP-1", false), ("SHP-2", true)], shipped.Select(s => (s.GetProperty("shipmentId").GetString(), s.GetProperty("complete").GetBoolean())));
        Assert.Equal("SKU-1", shipped[0].GetProperty("lines")[0].GetProperty("sku").GetString());
        Assert.Single(await host.PublishedAsync("distribution.order.delivered.v1", id));
    }

    [Fact]
    public async Task Shipping_more_than_was_ordered_or_an_unknown_line_is_refused_with_invalid_shipment()
    {
        var order = await OrderInStatusAsync("released");

        var tooMany = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "1", 2)).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "9", 1)).ResponseAsync);

        var nul = Assert.ThrowsAsync<RpcException>(() => host.Grpc.RecordShipmentAsync(Shipment(order.OrderId, "1\u0000", 1)).ResponseAsync);
        Assert.Equal("invalid_text", (await nul).Trailers.GetValue("error-code"));
        Assert.Equal("invalid_shipment", tooMany.Trailers.GetValue("error-code"));
        Assert.Equal("invalid_shipment", unknown.Trailers.GetValue("error-code"));
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM order_shipments WHERE order_id = @p0", Guid.Parse(order.OrderId)));
    }

    [Fact]
    public async Task A_request_for_an_unknown_order_is_not_found()
    {
        var missing = await Assert.ThrowsAsync<RpcException>(() =>
            host.Grpc.ReleaseOrderAsync(new Proto.ReleaseOrderRequest { OrderId = Guid.NewGuid().ToString() }).ResponseAsync);
        var malformed = await Assert.ThrowsAsync<RpcException>(() =>
            host.Grpc.GetOrderAsync(new Proto.GetOrderRequest { OrderId = "not-an-id" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal("order_not_found", missing.Trailers.GetValue("error-code"));
        Assert.Equal(StatusCode.NotFound, malformed.StatusCode);
    }

    private static Proto.RecordShipmentRequest Shipment(string orderId, string lineId, int quantity, string? shipmentId = null) => new()
    {
        OrderId = orderId,
        ShipmentId = shipmentId ?? $"SHP-{Guid.NewGuid():N}",
        Carrier = "UPS",
        TrackingNumber = "1Z999",
        Lines = { new Proto.ShippedLine { LineId = lineId, Quantity = quantity } },
    };

    /// <summary>A fresh order (two lines of one unit each) brought into <paramref name="status"/> through the real paths.</summary>
    private async Task<Proto.Order> OrderInStatusAsync(string status, string partnerId = PartnerId, string channel = Channel)
    {
        var created = (await host.Grpc.SubmitOrderAsync(GrpcOrders.Request(channel, partnerId, OrderBodies.NewChannelOrderId()))).Order;
        var orderId = created.OrderId;
        var id = Guid.Parse(orderId);
        async Task<Proto.Order> AcceptAsync()
        {
            await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(id, [new AllocatedLine("1", "SKU-1", "WH-1", 1), new AllocatedLine("2", "SKU-2", "WH-1", 1)], false, DateTimeOffset.UtcNow)));
            return await host.Grpc.GetOrderAsync(new Proto.GetOrderRequest { OrderId = orderId });
        }

        async Task<Proto.Order> ReleaseAsync()
        {
            await AcceptAsync();
            return await host.Grpc.ReleaseOrderAsync(new Proto.ReleaseOrderRequest { OrderId = orderId });
        }

        async Task<Proto.Order> ShipAllAsync()
        {
            await ReleaseAsync();
            await host.Grpc.RecordShipmentAsync(Shipment(orderId, "1", 1));
            return await host.Grpc.RecordShipmentAsync(Shipment(orderId, "2", 1));
        }

        var order = status switch
        {
            "received" => created,
            "backordered" => await BackorderAsync(),
            "accepted" => await AcceptAsync(),
            "released" => await ReleaseAsync(),
            "partially_shipped" => await ReleaseThenAsync(() => host.Grpc.RecordShipmentAsync(Shipment(orderId, "1", 1)).ResponseAsync),
            "shipped" => await ShipAllAsync(),
            "delivered" => await ShipAllThenAsync(() => host.Grpc.MarkDeliveredAsync(new Proto.MarkDeliveredRequest { OrderId = orderId }).ResponseAsync),
            "returned" => await ShipAllThenAsync(() => host.Grpc.MarkReturnedAsync(new Proto.MarkReturnedRequest { OrderId = orderId }).ResponseAsync),
            "cancelled" => await host.Grpc.CancelOrderAsync(new Proto.CancelOrderRequest { OrderId = orderId }),
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        Assert.Equal(status, OrderStatusName(order.Status));
        return order;

        async Task<Proto.Order> BackorderAsync()
        {
            await host.WaitHandledAsync(await host.PublishAsync(new InventoryReservationFailed(id, [new ShortLine("SKU-1", 1, 0)], DateTimeOffset.UtcNow)));
            return await host.Grpc.GetOrderAsync(new Proto.GetOrderRequest { OrderId = orderId });
        }

        async Task<Proto.Order> ReleaseThenAsync(Func<Task<Proto.Order>> step)
        {
            await ReleaseAsync();
            return await step();
        }

        async Task<Proto.Order> ShipAllThenAsync(Func<Task<Proto.Order>> step)
        {
            await ShipAllAsync();
            return await step();
        }
    }

    private static string OrderStatusName(Proto.OrderStatus status) => status switch
    {
        Proto.OrderStatus.PartiallyShipped => "partially_shipped",
        _ => status.ToString().ToLowerInvariant(),
    };
}
