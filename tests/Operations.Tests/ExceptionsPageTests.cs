using System.Net;
using System.Text.RegularExpressions;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>Every service's exception list, read through the gateway, merged and ranked; payloads shown as text.</summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ExceptionsPageTests(ConsoleTopology topology)
{
    [Fact]
    public async Task Exceptions_of_every_service_are_merged_most_urgent_first_and_a_service_that_is_down_is_named()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync("/ops/exceptions");

        // Critical: the overdue shipment exception, then the oldest first (ERP journal 2 h, Amazon quantities 30 min);
        // high: the unmapped Shopify order; normal: the refused X12; info: ERP item master data.
        Assert.Equal(
            [
                ("fulfillmentservice", RecordedShapes.FulfillmentExceptionId.ToString()),
                ("erp-adapter", "7"),
                ("amazon-adapter", "3"),
                ("shopify-adapter", RecordedShapes.ShopifyExceptionId.ToString()),
                ("threepl-adapter", "11"),
                ("erp-adapter", "8"),
            ],
            Rows(html));
        Assert.Contains("<li data-service=\"settlementservice\">settlementservice (settlement-mismatch): 502 upstream_unavailable</li>", html, StringComparison.Ordinal);
        Assert.Contains("<li data-service=\"settlementservice\">settlementservice (settlement-report): 502 upstream_unavailable</li>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filtering_by_priority_leaves_only_that_tier()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync("/ops/exceptions?priority=critical");

        Assert.Equal(["fulfillmentservice", "erp-adapter", "amazon-adapter"], Rows(html).Select(r => r.Service));
    }

    [Fact]
    public async Task A_raw_payload_reaches_the_page_as_text_never_as_markup()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync($"/ops/exceptions/detail?service=shopify-adapter&source=shopify&id={RecordedShapes.ShopifyExceptionId}");

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("SKU SKU-X is not in the SKU map."), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quarantined_x12_document_is_shown_with_its_reason_and_body()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = WebUtility.HtmlDecode(await client.PageAsync("/ops/exceptions/detail?service=threepl-adapter&source=3pl&id=11"));

        Assert.Contains(RecordedShapes.X12Body, html, StringComparison.Ordinal);
        Assert.Contains("GS segment has 2 elements; 8 required.", html, StringComparison.Ordinal);
        Assert.Contains("acme-3pl", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_without_payloads_shows_the_record_and_links_the_order()
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var html = await client.PageAsync($"/ops/exceptions/detail?service=fulfillmentservice&source=fulfillment&id={RecordedShapes.FulfillmentExceptionId}");

        Assert.Contains("id=\"no-payload\"", html, StringComparison.Ordinal);
        Assert.Contains("Carrier cannot deliver to the address.", html, StringComparison.Ordinal);
        Assert.Contains($"/ops/orders?q={RecordedShapes.TimelineOrderId}", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/ops/exceptions/detail?service=shopify-adapter&source=shopify&id=00000000-0000-0000-0000-000000000000", HttpStatusCode.NotFound)]
    [InlineData("/ops/exceptions/detail?service=no-such&source=erp&id=7", HttpStatusCode.NotFound)]
    [InlineData("/ops/exceptions/detail?service=settlementservice&source=settlement-report&id=x", HttpStatusCode.BadGateway)]
    public async Task An_unknown_or_unreadable_exception_says_so(string path, HttpStatusCode status)
    {
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
    }

    internal static List<(string Service, string Id)> Rows(string html) =>
        [.. Row().Matches(html).Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    [GeneratedRegex("<tr data-service=\"([^\"]+)\" data-id=\"([^\"]+)\">")]
    private static partial Regex Row();
}
