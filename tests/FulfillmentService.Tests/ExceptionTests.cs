using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>The exception list: ranked by order priority, value and age, SLA timers by kind, resolved by operators over JSON.</summary>
public sealed class ExceptionTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private const string Channel = "b2b";

    [Fact]
    public async Task Exceptions_are_ranked_by_order_priority_then_value_with_an_sla_timer_by_kind()
    {
        var urgentCheap = await ShipmentAsync(priority: 50, unitPrice: "10.00");
        var routineDear = await ShipmentAsync(priority: 10, unitPrice: "2000.00");
        var routineCheap = await ShipmentAsync(priority: 10, unitPrice: "10.00");

        var before = DateTimeOffset.UtcNow;
        await RaiseAsync(routineCheap, FulfillmentProto.ExceptionKind.AddressProblem);
        await RaiseAsync(routineDear, FulfillmentProto.ExceptionKind.OnHold);
        await RaiseAsync(urgentCheap, FulfillmentProto.ExceptionKind.Lost);
        var listed = (await host.Fulfillment.ListExceptionsAsync(new FulfillmentProto.ListExceptionsRequest { PageSize = 200 })).Exceptions
            .Where(e => new[] { urgentCheap, routineDear, routineCheap }.Contains(e.ShipmentId))
            .ToList();

        Assert.Equal([urgentCheap, routineDear, routineCheap], listed.Select(e => e.ShipmentId));
        // rank = priority × 10,000 + value band × 100 + age band: 10.00 → band 10, 2,000.00 → band 33; the orders are minutes old.
        Assert.Equal([50 * 10_000 + 10 * 100, 10 * 10_000 + 33 * 100, 10 * 10_000 + 10 * 100], listed.Select(e => e.Rank));
        var sla = listed.Select(e => e.DueAt.ToDateTimeOffset() - e.RaisedAt.ToDateTimeOffset()).ToList();
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromHours(8), TimeSpan.FromHours(4)], sla);
        Assert.Equal([true, false, false], listed.Select(e => e.Overdue));
        Assert.All(listed, e => Assert.True(e.RaisedAt.ToDateTimeOffset() >= before.AddSeconds(-1)));
    }

    [Fact]
    public async Task A_page_token_walks_the_list_in_rank_order_without_repeats()
    {
        var shipments = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            shipments.Add(await ShipmentAsync(priority: 20 + i, unitPrice: "10.00"));
            await RaiseAsync(shipments[^1], FulfillmentProto.ExceptionKind.Damaged);
        }

        var seen = new List<FulfillmentProto.FulfillmentException>();
        var token = string.Empty;
        do
        {
            var page = await host.Fulfillment.ListExceptionsAsync(new FulfillmentProto.ListExceptionsRequest { PageSize = 1, PageToken = token });
            Assert.True(page.Exceptions.Count <= 1);
            seen.AddRange(page.Exceptions);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(seen.Count, seen.Select(e => e.ExceptionId).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(e => e.Rank).Select(e => e.ExceptionId), seen.Select(e => e.ExceptionId));
        Assert.Equal([shipments[2], shipments[1], shipments[0]], seen.Where(e => shipments.Contains(e.ShipmentId)).Select(e => e.ShipmentId));
    }

    [Fact]
    public async Task Operators_list_and_resolve_exceptions_over_json_with_the_admin_key()
    {
        var shipmentId = await ShipmentAsync(priority: 90, unitPrice: "10.00");
        await RaiseAsync(shipmentId, FulfillmentProto.ExceptionKind.Damaged);
        using var admin = host.Admin();
        using var anonymous = host.Admin(withKey: false);

        using var unauthorized = await anonymous.GetAsync("/admin/fulfillment/exceptions");
        var open = await admin.GetFromJsonAsync<JsonObject>("/admin/fulfillment/exceptions");
        var entry = open!["exceptions"]!.AsArray().Single(e => e!["shipmentId"]!.GetValue<string>() == shipmentId)!;
        var exceptionId = entry["exceptionId"]!.GetValue<string>();
        using var blank = await admin.PostAsJsonAsync($"/admin/fulfillment/exceptions/{exceptionId}:resolve", new { resolution = " " });
        using var malformed = await admin.PostAsync($"/admin/fulfillment/exceptions/{exceptionId}:resolve", new StringContent("not json"));
        using var unknown = await admin.PostAsJsonAsync($"/admin/fulfillment/exceptions/{Guid.NewGuid()}:resolve", new { resolution = "done" });
        using var badFilter = await admin.GetAsync("/admin/fulfillment/exceptions?includeResolved=maybe");
        using var resolved = await admin.PostAsJsonAsync($"/admin/fulfillment/exceptions/{exceptionId}:resolve", new { resolution = "re-shipped from stock" });
        using var again = await admin.PostAsJsonAsync($"/admin/fulfillment/exceptions/{exceptionId}:resolve", new { resolution = "something else" });
        var openAfter = await admin.GetFromJsonAsync<JsonObject>("/admin/fulfillment/exceptions");
        var all = await admin.GetFromJsonAsync<JsonObject>("/admin/fulfillment/exceptions?includeResolved=true");

        await Problems.AssertAsync(unauthorized, HttpStatusCode.Unauthorized, "unauthorized");
        await Problems.AssertAsync(blank, HttpStatusCode.BadRequest, "resolution_required");
        await Problems.AssertAsync(malformed, HttpStatusCode.BadRequest, "malformed_json");
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "exception_not_found");
        await Problems.AssertAsync(badFilter, HttpStatusCode.BadRequest, "invalid_filter");
        Assert.Equal("damaged", entry["kind"]!.GetValue<string>());
        Assert.Equal(90 * 10_000 + 10 * 100, entry["rank"]!.GetValue<int>());
        Assert.False(entry["overdue"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var body = (await resolved.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(body["resolved"]!.GetValue<bool>());
        Assert.Equal("re-shipped from stock", body["resolution"]!.GetValue<string>());
        Assert.Equal("re-shipped from stock", (await again.Content.ReadFromJsonAsync<JsonObject>())!["resolution"]!.GetValue<string>());
        Assert.DoesNotContain(openAfter!["exceptions"]!.AsArray(), e => e!["exceptionId"]!.GetValue<string>() == exceptionId);
        Assert.Contains(all!["exceptions"]!.AsArray(), e => e!["exceptionId"]!.GetValue<string>() == exceptionId);
        var shipment = await host.Fulfillment.GetShipmentAsync(new FulfillmentProto.GetShipmentRequest { ShipmentId = shipmentId });
        Assert.Equal(FulfillmentProto.Milestone.Requested, shipment.Milestone);
    }

    private async Task<string> ShipmentAsync(int priority, string unitPrice)
    {
        var orderId = await host.AcceptedOrderAsync(Channel, [("1", 1, unitPrice)], [("1", "WH-WEST", 1)], priority: priority);
        return Assert.Single(await host.ShipmentsAsync(orderId)).ShipmentId;
    }

    private Task RaiseAsync(string shipmentId, FulfillmentProto.ExceptionKind kind) =>
        host.Fulfillment.RecordMilestoneAsync(new FulfillmentProto.RecordMilestoneRequest
        {
            ShipmentId = shipmentId, Milestone = FulfillmentProto.Milestone.Exception, ExceptionKind = kind, Source = "carrier:ups",
        }).ResponseAsync;
}
