using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>Reads: by id, by channel order id, lists with filters and keyset paging, partner isolation.</summary>
public sealed class QueryTests(OrderHost host) : IClassFixture<OrderHost>
{
    [Fact]
    public async Task A_partner_never_sees_another_partners_order()
    {
        using var alice = host.Partner($"alice-{Guid.NewGuid():N}");
        using var bob = host.Partner($"bob-{Guid.NewGuid():N}");
        var body = OrderBodies.Valid();
        var order = await alice.SubmitOkAsync(body);
        var key = body["channelOrderId"]!.GetValue<string>();

        using var get = await bob.GetAsync($"/v1/orders/{order.OrderId()}");
        using var cancel = await bob.PostAsync($"/v1/orders/{order.OrderId()}:cancel", null);
        var byKey = (await bob.GetFromJsonAsync<JsonObject>($"/v1/orders?channelOrderId={key}"))!;
        var all = (await bob.GetFromJsonAsync<JsonObject>("/v1/orders"))!;

        await Problems.AssertAsync(get, HttpStatusCode.NotFound, "order_not_found");
        await Problems.AssertAsync(cancel, HttpStatusCode.NotFound, "order_not_found");
        Assert.Empty(byKey["orders"]!.AsArray());
        Assert.Empty(all["orders"]!.AsArray());
        Assert.Equal("received", (await alice.GetOrderAsync(order.OrderId())).Status());
    }

    [Fact]
    public async Task An_order_is_found_by_id_and_by_channel_order_id()
    {
        var partnerId = $"finder-{Guid.NewGuid():N}";
        using var partner = host.Partner(partnerId);
        var body = OrderBodies.Valid();
        var key = body["channelOrderId"]!.GetValue<string>();
        var order = await partner.SubmitOkAsync(body);

        var byId = await partner.GetOrderAsync(order.OrderId());
        var byKey = (await partner.GetFromJsonAsync<JsonObject>($"/v1/orders?channelOrderId={key}"))!;
        var found = await host.Grpc.FindOrderAsync(new Proto.FindOrderRequest { Channel = "b2b", PartnerId = partnerId, ChannelOrderId = key });

        Assert.Equal(key, byId["channelOrderId"]!.GetValue<string>());
        Assert.Equal(order.OrderId(), Assert.Single(byKey["orders"]!.AsArray())!.AsObject().OrderId());
        Assert.Equal(order.OrderId().ToString(), found.OrderId);
        Assert.Equal("USD", found.Currency);
    }

    [Fact]
    public async Task Operators_list_every_partners_order_of_one_channel_order_id_over_grpc()
    {
        using var alice = host.Partner($"alice-{Guid.NewGuid():N}");
        using var bob = host.Partner($"bob-{Guid.NewGuid():N}");
        var body = OrderBodies.Valid();
        var key = body["channelOrderId"]!.GetValue<string>();
        var fromAlice = await alice.SubmitOkAsync(body);
        var fromBob = await bob.SubmitOkAsync(body);
        await alice.SubmitOkAsync(OrderBodies.Valid());

        var listed = await host.Grpc.ListOrdersAsync(new Proto.ListOrdersRequest { ChannelOrderId = key });

        Assert.Equal(
            new[] { fromAlice.OrderId().ToString(), fromBob.OrderId().ToString() }.Order(),
            listed.Orders.Select(o => o.OrderId).Order());
        Assert.All(listed.Orders, o => Assert.Equal(key, o.ChannelOrderId));
    }

    [Fact]
    public async Task Paging_walks_every_order_once_newest_first()
    {
        using var partner = host.Partner($"pager-{Guid.NewGuid():N}");
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await partner.SubmitOkAsync(OrderBodies.Valid(lines: 1))).OrderId());
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? token = null;
        do
        {
            var url = "/v1/orders?pageSize=3" + (token is null ? string.Empty : $"&pageToken={Uri.EscapeDataString(token)}");
            var page = (await partner.GetFromJsonAsync<JsonObject>(url))!;
            seen.AddRange(page["orders"]!.AsArray().Select(o => o!.AsObject().OrderId()));
            token = page["nextPageToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    [Fact]
    public async Task Lists_filter_by_status_and_creation_time()
    {
        var partnerId = $"filter-{Guid.NewGuid():N}";
        using var partner = host.Partner(partnerId);
        var open = await partner.SubmitOkAsync(OrderBodies.Valid());
        var cancelled = await partner.SubmitOkAsync(OrderBodies.Valid());
        await partner.PostAsync($"/v1/orders/{cancelled.OrderId()}:cancel", null);
        var createdAt = DateTimeOffset.Parse(open["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

        var onlyCancelled = (await partner.GetFromJsonAsync<JsonObject>("/v1/orders?status=cancelled"))!;
        var both = (await partner.GetFromJsonAsync<JsonObject>("/v1/orders?status=received,cancelled"))!;
        var before = (await partner.GetFromJsonAsync<JsonObject>($"/v1/orders?createdBefore={Uri.EscapeDataString(createdAt.ToString("O"))}"))!;
        var after = (await partner.GetFromJsonAsync<JsonObject>($"/v1/orders?createdAfter={Uri.EscapeDataString(createdAt.AddTicks(10).ToString("O"))}"))!;
        var grpc = await host.Grpc.ListOrdersAsync(new Proto.ListOrdersRequest
        {
            PartnerId = partnerId,
            Statuses = { Proto.OrderStatus.Received },
            CreatedAfter = Timestamp.FromDateTimeOffset(createdAt.AddMinutes(-1)),
        });

        Assert.Equal(cancelled.OrderId(), Assert.Single(onlyCancelled["orders"]!.AsArray())!.AsObject().OrderId());
        Assert.Equal(2, both["orders"]!.AsArray().Count);
        Assert.Equal(open.OrderId(), Assert.Single(before["orders"]!.AsArray())!.AsObject().OrderId());
        Assert.Equal(cancelled.OrderId(), Assert.Single(after["orders"]!.AsArray())!.AsObject().OrderId());
        Assert.Equal(open.OrderId().ToString(), Assert.Single(grpc.Orders).OrderId);
    }

    [Theory]
    [InlineData("/v1/orders?pageToken=garbage", "invalid_page_token")]
    [InlineData("/v1/orders?status=lost", "invalid_filter")]
    [InlineData("/v1/orders?createdAfter=yesterday", "invalid_filter")]
    [InlineData("/v1/orders?pageSize=0", "invalid_filter")]
    [InlineData("/v1/orders?channelOrderId=PO%001", "invalid_text")]
    public async Task A_bad_list_query_is_refused_with_its_code(string url, string code)
    {
        using var partner = host.Partner("query-errors");

        using var response = await partner.GetAsync(url);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task An_unknown_or_malformed_order_id_is_not_found()
    {
        using var partner = host.Partner("query-errors");

        using var unknown = await partner.GetAsync($"/v1/orders/{Guid.NewGuid()}");
        using var malformed = await partner.GetAsync("/v1/orders/not-a-guid");

        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "order_not_found");
        await Problems.AssertAsync(malformed, HttpStatusCode.NotFound, "order_not_found");
    }
}
