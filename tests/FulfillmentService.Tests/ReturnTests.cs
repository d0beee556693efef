using Distribution.Aspire.Contracts.Common.V1;
using Grpc.Core;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>Returns (RMA): authorized for shipped units, received with a disposition, refunded from the order's prices.</summary>
public sealed class ReturnTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "shopify";

    [Fact]
    public async Task A_return_is_authorized_once_per_reference_and_only_for_units_that_shipped()
    {
        var orderId = await ShippedOrderAsync();

        var first = await host.Fulfillment.AuthorizeReturnAsync(Authorize(orderId, "RMA-1", ("1", 2)));
        var again = await host.Fulfillment.AuthorizeReturnAsync(Authorize(orderId, "RMA-1", ("1", 2)));
        var notShipped = await RefusedAsync(Authorize(orderId, "RMA-2", ("2", 1)));
        var beyondShipped = await RefusedAsync(Authorize(orderId, "RMA-2", ("1", 2)));
        var unknownLine = await RefusedAsync(Authorize(orderId, "RMA-2", ("9", 1)));
        var noReference = await RefusedAsync(Authorize(orderId, "", ("1", 1)));
        var unknownOrder = await RefusedAsync(Authorize(Guid.NewGuid(), "RMA-2", ("1", 1)));
        var rest = await host.Fulfillment.AuthorizeReturnAsync(Authorize(orderId, "RMA-2", ("1", 1)));

        Assert.Equal("authorized", first.Status);
        Assert.Equal(first.ReturnId, again.ReturnId);
        Assert.Equal(("1", "SKU-1", 2), (first.Lines[0].LineId, first.Lines[0].Sku, first.Lines[0].Quantity));
        Assert.Equal((StatusCode.InvalidArgument, "quantity_exceeds_shipped"), notShipped);
        Assert.Equal((StatusCode.InvalidArgument, "quantity_exceeds_shipped"), beyondShipped);
        Assert.Equal((StatusCode.InvalidArgument, "unknown_line"), unknownLine);
        Assert.Equal((StatusCode.InvalidArgument, "reference_required"), noReference);
        Assert.Equal((StatusCode.NotFound, "order_not_found"), unknownOrder);
        Assert.NotEqual(first.ReturnId, rest.ReturnId);
        Assert.Equal(2L, await host.ScalarAsync<long>("SELECT count(*) FROM returns WHERE order_id = @p0", orderId));
    }

    [Fact]
    public async Task Receiving_returns_publishes_the_dispositions_and_refunds_that_add_up_to_the_line_total_exactly()
    {
        var orderId = await ShippedOrderAsync();
        var first = await host.Fulfillment.AuthorizeReturnAsync(Authorize(orderId, "RMA-A", ("1", 2)));
        var second = await host.Fulfillment.AuthorizeReturnAsync(Authorize(orderId, "RMA-B", ("1", 1)));

        var tooMany = await RefusedAsync(Receive(first.ReturnId, "WH-WEST", ("1", 2, FulfillmentProto.Disposition.Restock), ("1", 1, FulfillmentProto.Disposition.Damaged)));
        var noDisposition = await RefusedAsync(Receive(first.ReturnId, "WH-WEST", ("1", 1, FulfillmentProto.Disposition.Unspecified)));
        var noLocation = await RefusedAsync(Receive(first.ReturnId, "", ("1", 1, FulfillmentProto.Disposition.Restock)));
        var unknownReturn = await RefusedAsync(Receive(Guid.NewGuid().ToString(), "WH-WEST", ("1", 1, FulfillmentProto.Disposition.Restock)));
        var received = await host.Fulfillment.ReceiveReturnAsync(Receive(first.ReturnId, "WH-WEST", ("1", 1, FulfillmentProto.Disposition.Restock), ("1", 1, FulfillmentProto.Disposition.Damaged)));
        var repeated = await host.Fulfillment.ReceiveReturnAsync(Receive(first.ReturnId, "WH-WEST", ("1", 1, FulfillmentProto.Disposition.Restock)));
        var last = await host.Fulfillment.ReceiveReturnAsync(Receive(second.ReturnId, "WH-WEST", ("1", 1, FulfillmentProto.Disposition.Restock)));

        Assert.Equal((StatusCode.InvalidArgument, "quantity_exceeds_authorized"), tooMany);
        Assert.Equal((StatusCode.InvalidArgument, "invalid_disposition"), noDisposition);
        Assert.Equal((StatusCode.InvalidArgument, "location_required"), noLocation);
        Assert.Equal((StatusCode.NotFound, "return_not_found"), unknownReturn);
        Assert.Equal("received", received.Status);
        Assert.Equal([("1", 1, FulfillmentProto.Disposition.Restock), ("1", 1, FulfillmentProto.Disposition.Damaged)], received.Lines.Select(l => (l.LineId, l.Quantity, l.Disposition)));
        Assert.Equal(received, repeated);

        // Line 1: 3 × 10.00 − 1.00 discount + 0.83 tax = 29.83. Two of three units: 19.89 (19.886… to the cent); the last one: the rest.
        Assert.Equal(("19.89", "USD"), (received.RefundAmount, received.Currency));
        Assert.Equal("9.94", last.RefundAmount);
        var events = await host.PublishedAsync("returns", "distribution.return.received.v1", orderId);
        Assert.Equal(["19.89", "9.94"], events.Select(e => e.GetProperty("refundAmount").GetString()));
        var lines = events[0].GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("sku").GetString(), l.GetProperty("quantity").GetInt32(), l.GetProperty("disposition").GetString()));
        Assert.Equal([("SKU-1", 1, "restock"), ("SKU-1", 1, "damaged")], lines);
        Assert.Equal("WH-WEST", events[0].GetProperty("locationId").GetString());
        Assert.Equal(Channel, events[0].GetProperty("channel").GetString());
    }

    /// <summary>An order of 3 × SKU-1 (29.83 with discount and tax) and 1 × SKU-2, of which only line 1 has shipped.</summary>
    private async Task<Guid> ShippedOrderAsync()
    {
        var orderId = await host.AcceptedOrderAsync(
            Channel,
            [("1", 3, "10.00"), ("2", 1, "5.00")],
            [("1", "WH-WEST", 3), ("2", "WH-WEST", 1)],
            adjust: request =>
            {
                request.Lines[0].Discount = new Money { Amount = "1.00", Currency = "USD" };
                request.Lines[0].Tax = new Money { Amount = "0.83", Currency = "USD" };
            });
        var shipment = Assert.Single(await host.ShipmentsAsync(orderId));
        await host.Fulfillment.RecordDispatchAsync(new FulfillmentProto.RecordDispatchRequest
        {
            ShipmentId = shipment.ShipmentId,
            DispatchId = "945-1",
            Lines = { new FulfillmentProto.DispatchedLine { LineId = "1", Quantity = 3 } },
            Packages = { new FulfillmentProto.Package { Carrier = "UPS", TrackingNumber = "1Z1" } },
        });
        return orderId;
    }

    private static FulfillmentProto.AuthorizeReturnRequest Authorize(Guid orderId, string reference, params (string LineId, int Quantity)[] lines)
    {
        var request = new FulfillmentProto.AuthorizeReturnRequest { OrderId = orderId.ToString(), Reference = reference, Reason = "does not fit" };
        request.Lines.AddRange(lines.Select(l => new FulfillmentProto.ReturnLine { LineId = l.LineId, Quantity = l.Quantity }));
        return request;
    }

    private static FulfillmentProto.ReceiveReturnRequest Receive(string returnId, string locationId, params (string LineId, int Quantity, FulfillmentProto.Disposition Disposition)[] lines)
    {
        var request = new FulfillmentProto.ReceiveReturnRequest { ReturnId = returnId, LocationId = locationId };
        request.Lines.AddRange(lines.Select(l => new FulfillmentProto.ReturnLine { LineId = l.LineId, Quantity = l.Quantity, Disposition = l.Disposition }));
        return request;
    }

    private async Task<(StatusCode, string?)> RefusedAsync(FulfillmentProto.AuthorizeReturnRequest request)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.AuthorizeReturnAsync(request).ResponseAsync);
        return (refused.StatusCode, refused.Trailers.GetValue("error-code"));
    }

    private async Task<(StatusCode, string?)> RefusedAsync(FulfillmentProto.ReceiveReturnRequest request)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Fulfillment.ReceiveReturnAsync(request).ResponseAsync);
        return (refused.StatusCode, refused.Trailers.GetValue("error-code"));
    }
}
