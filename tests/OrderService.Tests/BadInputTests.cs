using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>Every kind of bad submission: problem details with its stable code, never a 500, nothing stored.</summary>
public sealed class BadInputTests(OrderHost host) : IClassFixture<OrderHost>
{
    public static TheoryData<string, string> BadBodies() => new()
    {
        { "missing channelOrderId", "channel_order_id_required" },
        { "empty channelOrderId", "channel_order_id_required" },
        { "over-long channelOrderId", "field_too_long" },
        { "zero quantity", "invalid_quantity" },
        { "negative quantity", "invalid_quantity" },
        { "fractional quantity", "invalid_quantity" },
        { "absurd quantity", "invalid_quantity" },
        { "non-decimal price", "invalid_price" },
        { "negative price", "invalid_price" },
        { "price as a JSON number", "invalid_price" },
        { "price with an exponent", "invalid_price" },
        { "price with five fraction digits", "invalid_price" },
        { "missing price", "invalid_price" },
        { "line in another currency", "currency_mismatch" },
        { "currency of two letters", "invalid_currency" },
        { "currency with symbols", "invalid_currency" },
        { "missing currency", "invalid_currency" },
        { "line currency malformed", "invalid_currency" },
        { "missing shipTo", "address_incomplete" },
        { "missing city", "address_incomplete" },
        { "blank postal code", "address_incomplete" },
        { "missing name", "address_incomplete" },
        { "three-letter country", "invalid_country" },
        { "over-long name", "field_too_long" },
        { "no lines", "lines_required" },
        { "duplicate line ids", "duplicate_line_id" },
        { "missing line id", "line_id_required" },
        { "missing sku", "sku_required" },
        { "10,000 lines", "too_many_lines" },
        { "negative discount", "invalid_discount" },
        { "discount above the line", "invalid_discount" },
        { "non-decimal tax", "invalid_tax" },
        { "NUL in a sku", "invalid_text" },
        { "priority out of range", "invalid_priority" },
        { "unknown fulfillment channel", "invalid_fulfillment_channel" },
        { "quantity as text", "malformed_json" },
        { "lines not an array", "malformed_json" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_order_is_refused_with_its_code_and_nothing_is_stored(string @case, string code)
    {
        using var partner = host.Partner("bad-input");
        var body = OrderBodies.Valid();
        Spoil(body, @case);
        var before = await StoredAsync();

        using var response = await partner.SubmitAsync(body);

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, code);
        Assert.False(string.IsNullOrEmpty(problem["detail"]?.GetValue<string>()));
        Assert.Equal(before, await StoredAsync());
    }

    [Theory]
    [InlineData("{\"channelOrderId\": \"PO-1\", \"currency\": ")]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2, 3]")]
    public async Task A_body_that_is_not_a_json_order_is_refused_with_malformed_json(string raw)
    {
        using var partner = host.Partner("bad-input");
        var before = await StoredAsync();

        using var response = await partner.PostAsync("/v1/orders", new StringContent(raw, Encoding.UTF8, "application/json"));

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_with_413()
    {
        using var partner = host.Partner("bad-input");
        var body = OrderBodies.Valid();
        body["customerReference"] = new string('x', 2 * 1024 * 1024);
        var before = await StoredAsync();

        using var response = await partner.SubmitAsync(body);

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_request_without_the_partner_identity_is_refused_with_401()
    {
        using var anonymous = host.App.CreateClient();

        using var submit = await anonymous.PostAsync("/v1/orders", JsonContent.Create(OrderBodies.Valid()));
        using var list = await anonymous.GetAsync("/v1/orders");

        await Problems.AssertAsync(submit, HttpStatusCode.Unauthorized, "unauthorized");
        await Problems.AssertAsync(list, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM orders WHERE partner_id = ''"));
    }

    [Fact]
    public async Task A_bad_grpc_submission_is_invalid_argument_with_the_code_in_the_trailers()
    {
        var request = GrpcOrders.Request("shopify", "bad-input", OrderBodies.NewChannelOrderId());
        request.Lines[1].Quantity = 0;
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SubmitOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("invalid_quantity", refused.Trailers.GetValue("error-code"));
        Assert.Equal("lines[1].quantity", refused.Trailers.GetValue("error-field"));
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_grpc_submission_without_channel_or_partner_is_refused()
    {
        var noChannel = GrpcOrders.Request(string.Empty, "bad-input", OrderBodies.NewChannelOrderId());
        var noPartner = GrpcOrders.Request("shopify", string.Empty, OrderBodies.NewChannelOrderId());

        var first = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SubmitOrderAsync(noChannel).ResponseAsync);
        var second = await Assert.ThrowsAsync<RpcException>(() => host.Grpc.SubmitOrderAsync(noPartner).ResponseAsync);

        Assert.Equal("channel_required", first.Trailers.GetValue("error-code"));
        Assert.Equal("partner_required", second.Trailers.GetValue("error-code"));
    }

    private async Task<(long Orders, long Lines, long Outbox)> StoredAsync() => (
        await host.ScalarAsync<long>("SELECT count(*) FROM orders"),
        await host.ScalarAsync<long>("SELECT count(*) FROM order_lines"),
        await host.ScalarAsync<long>("SELECT count(*) FROM outbox"));

    private static void Spoil(JsonObject body, string @case)
    {
        var line = body["lines"]![0]!.AsObject();
        var shipTo = body["shipTo"]!.AsObject();
        switch (@case)
        {
            case "missing channelOrderId": body.Remove("channelOrderId"); break;
            case "empty channelOrderId": body["channelOrderId"] = " "; break;
            case "over-long channelOrderId": body["channelOrderId"] = new string('P', 65); break;
            case "zero quantity": line["quantity"] = 0; break;
            case "negative quantity": line["quantity"] = -3; break;
            case "fractional quantity": line["quantity"] = 1.5; break;
            case "absurd quantity": line["quantity"] = 10_000_000_000L; break;
            case "non-decimal price": line["unitPrice"] = "ten dollars"; break;
            case "negative price": line["unitPrice"] = "-1.00"; break;
            case "price as a JSON number": line["unitPrice"] = 10.5; break;
            case "price with an exponent": line["unitPrice"] = "1e3"; break;
            case "price with five fraction digits": line["unitPrice"] = "1.00001"; break;
            case "missing price": line.Remove("unitPrice"); break;
            case "line in another currency": body["lines"]![1]!["currency"] = "EUR"; break;
            case "currency of two letters": body["currency"] = "US"; break;
            case "currency with symbols": body["currency"] = "U$D"; break;
            case "missing currency": body.Remove("currency"); break;
            case "line currency malformed": line["currency"] = "DOLLARS"; break;
            case "missing shipTo": body.Remove("shipTo"); break;
            case "missing city": shipTo.Remove("city"); break;
            case "blank postal code": shipTo["postalCode"] = ""; break;
            case "missing name": shipTo.Remove("name"); break;
            case "three-letter country": shipTo["country"] = "USA"; break;
            case "over-long name": shipTo["name"] = new string('n', 201); break;
            case "no lines": body["lines"] = new JsonArray(); break;
            case "duplicate line ids": body["lines"]![1]!["lineId"] = line["lineId"]!.GetValue<string>(); break;
            case "missing line id": line.Remove("lineId"); break;
            case "missing sku": line["sku"] = ""; break;
            case "10,000 lines":
                body["lines"] = new JsonArray(Enumerable.Range(1, 10_000)
                    .Select(i => (JsonNode)new JsonObject { ["lineId"] = $"{i}", ["sku"] = "S", ["quantity"] = 1, ["unitPrice"] = "1" }).ToArray());
                break;
            case "negative discount": line["discount"] = "-0.01"; break;
            case "discount above the line": line["discount"] = "10.01"; break;
            case "non-decimal tax": line["tax"] = "7%"; break;
            case "NUL in a sku": line["sku"] = "SKU\u0000-1"; break;
            case "priority out of range": body["priority"] = 1000; break;
            case "unknown fulfillment channel": body["fulfillmentChannel"] = "drone"; break;
            case "quantity as text": line["quantity"] = "two"; break;
            case "lines not an array": body["lines"] = "1 × SKU-1"; break;
            default: throw new ArgumentOutOfRangeException(nameof(@case), @case, "no such case");
        }
    }
}
