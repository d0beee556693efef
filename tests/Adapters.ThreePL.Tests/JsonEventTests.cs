using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Events;
using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>POST /partners/3pl/events: ShipEngine-style events mapped to canonical milestones, deduplicated, refusals quarantined.</summary>
public sealed class JsonEventTests(TestServers servers)
{
    private static object Tracking(string status, string? detail = null, string at = "2026-11-29T08:00:00Z") => new
    {
        tracking_number = "1Z999AA10123456784",
        tracking_url = "https://example.invalid/1Z999AA10123456784",
        status_code = status,
        carrier_code = "ups",
        carrier_id = "se-28529731",
        carrier_detail_code = detail ?? "IN_TRANSIT",
        carrier_status_code = "I",
        estimated_delivery_date = "2026-11-30T18:00:00Z",
        actual_delivery_date = status == "de" ? at : null,
        status_description = "In Transit",
        events = new[]
        {
            new
            {
                occurred_at = at,
                city_locality = "LOUISVILLE",
                state_province = "KY",
                postal_code = "40201",
                carrier_detail_code = detail ?? "IN_TRANSIT",
                status_code = status,
                status_description = "In Transit",
                carrier_status_code = "I",
                carrier_status_description = "Arrived at facility",
            },
        },
    };

    [Fact]
    public async Task Shipped_tracking_delivered_and_exception_events_map_to_dispatch_and_milestones()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        var shipmentId = (await host.SeedOrderAsync("DA0000000201", lines: [("1", "SKU-1", 2), ("2", "SKU-2", 1)])).ToString();

        using var shipped = await host.PostEventAsync(new
        {
            id = "evt-1",
            type = "shipment.shipped",
            occurred_at = "2026-11-28T17:00:00Z",
            order_reference = "DA0000000201",
            shipment = new
            {
                id = "SHP-9",
                packages = new[]
                {
                    new { carrier_code = "ups", tracking_number = "1ZA", lines = new[] { new { line_id = "1", sku = "SKU-1", quantity = 2 } } },
                    new { carrier_code = "ups", tracking_number = "1ZB", lines = new[] { new { line_id = "2", sku = "SKU-2", quantity = 1 } } },
                },
            },
        });
        using var inTransit = await host.PostEventAsync(new { id = "evt-2", type = "shipment.tracking_updated", occurred_at = "2026-11-29T08:05:00Z", order_reference = "DA0000000201", tracking = Tracking("it") });
        using var outForDelivery = await host.PostEventAsync(new { id = "evt-3", type = "shipment.tracking_updated", occurred_at = "2026-11-30T07:00:00Z", order_reference = "DA0000000201", tracking = Tracking("it", "OUT_FOR_DELIVERY", "2026-11-30T07:00:00Z") });
        using var delivered = await host.PostEventAsync(new { id = "evt-4", type = "shipment.delivered", occurred_at = "2026-11-30T12:00:00Z", order_reference = "DA0000000201", tracking = Tracking("de", "DELIVERED", "2026-11-30T11:58:00Z") });
        using var exception = await host.PostEventAsync(new { id = "evt-5", type = "shipment.exception", occurred_at = "2026-11-30T13:00:00Z", order_reference = "DA0000000201", exception = new { kind = "damaged", description = "box crushed" } });

        Assert.All(new[] { shipped, inTransit, outForDelivery, delivered, exception }, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal("accepted", (await shipped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await Eventually.TrueAsync(() => host.Recorded.Dispatches.Count == 1 && host.Recorded.Milestones.Count == 4, "dispatch and four milestones");

        var dispatch = host.Recorded.Dispatches.Single();
        Assert.Equal((shipmentId, "acme-3pl:SHP-9", "3pl-json"), (dispatch.ShipmentId, dispatch.DispatchId, dispatch.Source));
        Assert.Equal([("ups", "1ZA"), ("ups", "1ZB")], dispatch.Packages.Select(p => (p.Carrier, p.TrackingNumber)));
        Assert.Equal([("1", 2), ("2", 1)], dispatch.Lines.Select(l => (l.LineId, l.Quantity)));
        Assert.Equal(
            [
                (Milestone.InTransit, ExceptionKind.Unspecified, "2026-11-29T08:00:00Z", "acme-3pl:evt-2"),
                (Milestone.OutForDelivery, ExceptionKind.Unspecified, "2026-11-30T07:00:00Z", "acme-3pl:evt-3"),
                (Milestone.Delivered, ExceptionKind.Unspecified, "2026-11-30T11:58:00Z", "acme-3pl:evt-4"),
                (Milestone.Exception, ExceptionKind.Damaged, "2026-11-30T13:00:00Z", "acme-3pl:evt-5"),
            ],
            host.Recorded.Milestones.Select(m => (m.Milestone, m.ExceptionKind, m.OccurredAt.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), m.PartnerEventId)));
        Assert.All(host.Recorded.Milestones, m => Assert.Equal(shipmentId, m.ShipmentId));
    }

    [Fact]
    public async Task The_same_event_id_twice_is_a_duplicate_applied_once()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000202", lines: [("1", "SKU-1", 1)]);
        var body = new { id = "evt-dup", type = "shipment.tracking_updated", occurred_at = "2026-11-29T08:05:00Z", order_reference = "DA0000000202", tracking = Tracking("it") };

        using var first = await host.PostEventAsync(body);
        using var second = await host.PostEventAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await Eventually.TrueAsync(() => !host.Recorded.Milestones.IsEmpty, "milestone");
        await Task.Delay(400);
        Assert.Single(host.Recorded.Milestones);
        Assert.Equal(1, await host.CountAsync("SELECT count(*) FROM inbound_work"));
    }

    [Theory]
    [InlineData("{\"id\": \"evt\", ", 400, "malformed_event")]
    [InlineData("{\"type\": \"shipment.delivered\", \"order_reference\": \"DA0000000203\", \"occurred_at\": \"2026-11-29T08:05:00Z\"}", 422, "missing_event_id")]
    [InlineData("{\"id\": \"e1\", \"type\": \"order.paid\", \"order_reference\": \"DA0000000203\", \"occurred_at\": \"2026-11-29T08:05:00Z\"}", 422, "unknown_event_type")]
    [InlineData("{\"id\": \"e2\", \"type\": \"shipment.delivered\", \"order_reference\": \"DA0000009999\", \"occurred_at\": \"2026-11-29T08:05:00Z\"}", 422, "unknown_order_reference")]
    [InlineData("{\"id\": \"e3\", \"type\": \"shipment.tracking_updated\", \"order_reference\": \"DA0000000203\", \"occurred_at\": \"2026-11-29T08:05:00Z\", \"tracking\": {\"status_code\": \"zz\"}}", 422, "invalid_event")]
    [InlineData("{\"id\": \"e4\", \"type\": \"shipment.shipped\", \"order_reference\": \"DA0000000203\", \"occurred_at\": \"2026-11-29T08:05:00Z\", \"shipment\": {\"carrier_code\": \"ups\", \"tracking_number\": \"1Z\", \"lines\": [{\"line_id\": \"1\", \"quantity\": 5}]}}", 422, "quantity_exceeds_order")]
    [InlineData("{\"id\": \"e5\", \"type\": \"shipment.shipped\", \"order_reference\": \"DA0000000203\", \"occurred_at\": \"2026-11-29T08:05:00Z\", \"shipment\": {\"carrier_code\": \"ups\", \"tracking_number\": \"1Z\", \"lines\": [{\"sku\": \"OTHER\", \"quantity\": 1}]}}", 422, "item_not_on_order")]
    [InlineData("{\"id\": \"e6\", \"type\": \"shipment.exception\", \"order_reference\": \"DA0000000203\", \"occurred_at\": \"2026-11-29T08:05:00Z\", \"exception\": {\"kind\": \"stolen-by-aliens\"}}", 422, "invalid_event")]
    [InlineData("[1, 2, 3]", 400, "malformed_event")]
    public async Task A_bad_event_is_a_problem_with_a_stable_code_kept_in_quarantine_and_not_applied(string body, int status, string code)
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000203", lines: [("1", "SKU-1", 2)]);

        using var response = await host.PostEventTextAsync(body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        await EdiIntakeTests.AssertQuarantinedAsync(host, code);
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM inbound_work"));
        Assert.Equal(0, await host.CountAsync("SELECT count(*) FROM partner_events"));
    }

    [Fact]
    public async Task Unknown_and_not_yet_in_system_tracking_statuses_change_nothing()
    {
        await using var host = await ThreePLHost.StartAsync(servers);
        await host.SeedOrderAsync("DA0000000204", lines: [("1", "SKU-1", 1)]);

        using var response = await host.PostEventAsync(new { id = "evt-ny", type = "shipment.tracking_updated", occurred_at = "2026-11-29T08:05:00Z", order_reference = "DA0000000204", tracking = Tracking("ny") });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () => await host.CountAsync("SELECT count(*) FROM inbound_work WHERE status = 'applied'") == 1, "applied");
        Assert.Empty(host.Recorded.Milestones);
    }

    [Theory]
    [InlineData("ac", null, Milestone.InTransit)]
    [InlineData("it", "IN_TRANSIT", Milestone.InTransit)]
    [InlineData("it", "OUT_FOR_DELIVERY", Milestone.OutForDelivery)]
    [InlineData("de", "DELIVERED", Milestone.Delivered)]
    [InlineData("ex", "EXCEPTION", Milestone.Exception)]
    [InlineData("at", "ATTEMPTED", Milestone.Exception)]
    [InlineData("un", null, Milestone.Unspecified)]
    [InlineData("ny", null, Milestone.Unspecified)]
    public void Every_ShipEngine_status_code_has_one_canonical_meaning(string status, string? detail, Milestone expected)
    {
        Assert.Equal(expected, JsonEventMapping.MilestoneFor(status, detail)!.Value.Milestone);
    }

    [Fact]
    public void The_tracking_shape_is_ShipEngines_and_every_status_it_defines_is_mapped()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(SharedContracts.FullPath("3pl/shipengine-json-schema/responses/get_tracking_log_response_body.json")));
        var info = schema.RootElement.GetProperty("allOf")[0];
        var properties = info.GetProperty("properties");
        var eventProperties = properties.GetProperty("events").GetProperty("items").GetProperty("properties");
        var statuses = properties.GetProperty("status_code").GetProperty("allOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToList();

        Assert.Equal(SnakeCase(typeof(TrackingInformation)), properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(SnakeCase(typeof(TrackEvent)), eventProperties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(7, statuses.Count);
        Assert.All(statuses, s => Assert.NotNull(JsonEventMapping.MilestoneFor(s, null)));
    }

    private static IEnumerable<string> SnakeCase(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).Order(StringComparer.Ordinal);
}
