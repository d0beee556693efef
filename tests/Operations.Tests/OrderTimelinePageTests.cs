using System.Net;
using System.Text.RegularExpressions;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>An order's header, history, shipments and exceptions in one timeline; the address reduced to name, city, country.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class OrderTimelinePageTests(ConsoleTopology topology)
{
    [Theory]
    [InlineData(RecordedShapes.TimelineChannelOrderId)]
    [InlineData("0f8c1d3e-5a6b-4c7d-8e9f-a0b1c2d3e4f5")]
    public async Task An_order_found_by_channel_order_id_or_id_shows_its_history_and_shipments_in_time_order(string query)
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync($"/ops/orders?q={Uri.EscapeDataString(query)}");

        Assert.Equal(TimelineStory.InTimeOrder, TimelineSteps().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("late or repeated: not applied", html, StringComparison.Ordinal);
        Assert.Contains("package: UPS 1Z999", html, StringComparison.Ordinal);
        Assert.Contains(RecordedShapes.FulfillmentExceptionId.ToString(), html, StringComparison.Ordinal);
        Assert.Contains("Carrier cannot deliver to the address.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ship_to_shows_name_city_and_country_only()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync($"/ops/orders?q={RecordedShapes.TimelineOrderId}");

        Assert.Contains("<dd id=\"ship-to\">Ada Buyer, Springfield, US</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret Street", html, StringComparison.Ordinal);
        Assert.DoesNotContain("62701", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_channel_order_id_two_partners_share_lists_both_orders()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync($"/ops/orders?q={StubOrders.SharedChannelOrderId}");

        Assert.Contains("alpha-b2b", html, StringComparison.Ordinal);
        Assert.Contains("beta-b2b", html, StringComparison.Ordinal);
        Assert.Contains("/ops/orders?q=11111111-0000-4000-8000-000000000001", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_order_is_not_found()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        using var response = await client.GetAsync("/ops/orders?q=PO-NOBODY");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No order", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [GeneratedRegex("<td class=\"what\">([a-z_]+)</td>")]
    private static partial Regex TimelineSteps();
}
