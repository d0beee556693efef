using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>order.accepted → one shipment request per node; order.cancelled → requests withdrawn, whichever comes first.</summary>
public sealed class RoutingTests(FulfillmentHost host, TestServers servers) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "shopify";

    [Fact]
    public async Task An_order_held_at_two_nodes_gets_one_shipment_request_from_each_with_the_orders_ship_to()
    {
        var shipBy = new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var orderId = await host.AcceptedOrderAsync(
            Channel,
            [("1", 2, "10.00"), ("2", 1, "5.00"), ("3", 3, "1.00")],
            [("1", "WH-WEST", 2), ("2", FulfillmentHost.ThreePlLocation, 1), ("3", "WH-WEST", 1), ("3", FulfillmentHost.ThreePlLocation, 2)],
            priority: 7,
            shipBy: shipBy);

        var shipments = await host.ShipmentsAsync(orderId);
        var byNode = shipments.ToDictionary(s => s.LocationId);
        Assert.Equal(2, shipments.Count);
        Assert.Equal(("warehouse", ""), (byNode["WH-WEST"].NodeKind, byNode["WH-WEST"].PartnerId));
        Assert.Equal(("3pl", FulfillmentHost.ThreePlPartner), (byNode[FulfillmentHost.ThreePlLocation].NodeKind, byNode[FulfillmentHost.ThreePlLocation].PartnerId));
        Assert.Equal([("1", 2), ("3", 1)], byNode["WH-WEST"].Lines.Select(l => (l.LineId, l.Quantity)));
        Assert.Equal([("2", 1), ("3", 2)], byNode[FulfillmentHost.ThreePlLocation].Lines.Select(l => (l.LineId, l.Quantity)));
        Assert.All(shipments, s => Assert.Equal(FulfillmentProto.Milestone.Requested, s.Milestone));
        Assert.All(shipments, s => Assert.Equal(Channel, s.Channel));

        var requested = await host.PublishedAsync("fulfillment", "distribution.fulfillment.shipment_requested.v1", orderId);
        Assert.Equal(2, requested.Count);
        var toThreePl = requested.Single(e => e.GetProperty("locationId").GetString() == FulfillmentHost.ThreePlLocation);
        Assert.Equal("3pl", toThreePl.GetProperty("nodeKind").GetString());
        Assert.Equal(FulfillmentHost.ThreePlPartner, toThreePl.GetProperty("nodePartnerId").GetString());
        Assert.Equal("1 Main St", toThreePl.GetProperty("shipTo").GetProperty("line1").GetString());
        Assert.Equal(7, toThreePl.GetProperty("priority").GetInt32());
        Assert.Equal(shipBy, toThreePl.GetProperty("shipBy").GetDateTimeOffset());
        var order = await host.WaitOrderStatusAsync(orderId, OrdersProto.OrderStatus.Released);
        Assert.Equal(order.ChannelOrderId, toThreePl.GetProperty("channelOrderId").GetString());

        // The address travels in the event for the node, never into the logs.
        Assert.DoesNotContain(host.Logs.Entries, entry => entry.Message.Contains("1 Main St", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_marketplace_fulfilled_order_gets_no_shipment_request()
    {
        var orderId = Guid.NewGuid();

        await host.WaitHandledAsync(await host.PublishAsync(new OrderAccepted(orderId, "amazon", "amazon-partner", FulfillmentChannels.Marketplace, DateTimeOffset.UtcNow, [])));

        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM shipments WHERE order_id = @p0", orderId));
    }

    [Fact]
    public async Task A_cancellation_that_overtakes_order_accepted_means_no_shipment_is_ever_requested()
    {
        var orderId = await host.SubmitAsync(Channel, [("1", 1, "10.00")]);

        await host.WaitHandledAsync(await host.PublishAsync(new OrderCancelled(orderId, Channel, "p", "buyer cancelled", DateTimeOffset.UtcNow)));
        await host.WaitHandledAsync(await host.PublishAsync(new OrderAccepted(
            orderId, Channel, "p", FulfillmentChannels.Merchant, DateTimeOffset.UtcNow, [new AllocatedLine("1", "SKU-1", "WH-WEST", 1)])));

        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM shipments WHERE order_id = @p0", orderId));
        Assert.Equal("buyer cancelled", await host.ScalarAsync<string>("SELECT reason FROM order_facts WHERE order_id = @p0", orderId));
        Assert.Empty(await host.PublishedAsync("fulfillment", "distribution.fulfillment.shipment_requested.v1", orderId));
    }

    [Fact]
    public async Task Cancelling_the_order_after_the_requests_withdraws_every_shipment_and_a_late_dispatch_is_refused_but_raised_for_operators()
    {
        var orderId = await host.AcceptedOrderAsync(Channel, [("1", 1, "10.00"), ("2", 1, "10.00")], [("1", "WH-WEST", 1), ("2", FulfillmentHost.ThreePlLocation, 1)]);
        await host.WaitOrderStatusAsync(orderId, OrdersProto.OrderStatus.Released);

        await host.Orders.CancelOrderAsync(new OrdersProto.CancelOrderRequest { OrderId = orderId.ToString(), Reason = "buyer cancelled" });

        var withdrawn = await Eventually.ReachesAsync(
            () => host.ShipmentsAsync(orderId), shipments => shipments.All(s => s.Milestone == FulfillmentProto.Milestone.Cancelled), "both shipments cancelled");
        var cancelled = await host.PublishedAsync("fulfillment", "distribution.fulfillment.shipment_cancelled.v1", orderId);
        Assert.Equal(2, cancelled.Count);
        Assert.Contains(cancelled, e => e.GetProperty("nodePartnerId").GetString() == FulfillmentHost.ThreePlPartner && e.GetProperty("reason").GetString() == "buyer cancelled");

        var threePl = withdrawn.Single(s => s.LocationId == FulfillmentHost.ThreePlLocation);
        var dispatch = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.RecordDispatchAsync(new FulfillmentProto.RecordDispatchRequest
        {
            ShipmentId = threePl.ShipmentId,
            DispatchId = "945-LATE",
            Lines = { new FulfillmentProto.DispatchedLine { LineId = "2", Quantity = 1 } },
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, dispatch.StatusCode);
        Assert.Equal("shipment_cancelled", dispatch.Trailers.GetValue("error-code"));

        // The 3PL confirming the cancellation, and a late pick, are history only.
        var confirmed = await host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = threePl.ShipmentId, Milestone = FulfillmentProto.Milestone.Cancelled, Source = "edi:997",
        });
        var picked = await host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = threePl.ShipmentId, Milestone = FulfillmentProto.Milestone.Picked, Source = "3pl:json",
        });
        Assert.Equal(FulfillmentProto.Milestone.Cancelled, picked.Milestone);
        Assert.Equal([true, true, false, false], picked.History.Select(h => h.Applied));
        Assert.Equal(FulfillmentProto.Milestone.Cancelled, confirmed.Milestone);
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM dispatches WHERE shipment_id = @p0", Guid.Parse(threePl.ShipmentId)));
        var raised = Assert.Single((await host.Fulfillment.ListExceptionsAsync(new FulfillmentProto.ListExceptionsRequest { PageSize = 200 })).Exceptions, e => e.OrderId == orderId.ToString());
        Assert.Equal((threePl.ShipmentId, FulfillmentProto.ExceptionKind.Other), (raised.ShipmentId, raised.Kind));
        Assert.Contains("945-LATE", raised.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_order_service_cannot_be_reached_the_handler_fails_and_the_event_is_retried_then_dead_lettered()
    {
        var logs = new RecordingLoggerProvider();
        var deadPort = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var isolated = await FulfillmentHost.StartFulfillmentAsync(servers, deadPort, $"d{Guid.NewGuid():N}"[..12] + ":", logs);
        var orderId = Guid.NewGuid();
        var accepted = new OrderAccepted(orderId, Channel, "p", FulfillmentChannels.Merchant, DateTimeOffset.UtcNow, [new AllocatedLine("1", "SKU-1", "WH-WEST", 1)]);

        var eventId = await FulfillmentHost.PublishAsync(isolated, accepted);

        var database = isolated.App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var attempts = await Eventually.ReachesAsync(
            async () => (int?)await database.CreateCommand($"SELECT attempts FROM dead_letters WHERE event_id = '{eventId}'").ExecuteScalarAsync(),
            value => value is not null,
            "the event in the dead letters");
        Assert.Equal(3, attempts);
        Assert.Equal(0L, (long)(await database.CreateCommand("SELECT count(*) FROM shipments").ExecuteScalarAsync())!);
        Assert.Contains(logs.Entries, entry => entry.Message.Contains("Order service did not answer", StringComparison.Ordinal));
    }
}
