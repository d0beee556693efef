using System.Net;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>Partners from the gateway's registry with their limits, recent errors from the gateway and SLA state.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PartnersPageTests(ConsoleTopology topology)
{
    [Fact]
    public async Task A_partner_over_its_error_threshold_is_breached_with_its_errors_and_limits_shown()
    {
        var apiKey = await topology.CreatePartnerAsync(ConsoleTopology.SlaPartnerId, "orders");
        var calm = $"calm-{Guid.NewGuid():N}"[..13];
        await topology.CreatePartnerAsync(calm, "orders");
        using var partner = topology.Gateway.CreateClient();
        partner.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        using var refused = await partner.GetAsync("/v1/inventory/SKU-1", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        // The gateway writes its partners' errors to Redis about once a second.
        var html = await Eventually.ReachesAsync(
            () => client.PageAsync("/ops/partners"),
            page => RowOf(page, ConsoleTopology.SlaPartnerId).Contains("breached", StringComparison.Ordinal),
            "the SLA partner shown as breached");

        var row = WebUtility.HtmlDecode(RowOf(html, ConsoleTopology.SlaPartnerId));
        Assert.Contains("25/s, burst 50", row, StringComparison.Ordinal);
        Assert.Contains("10000/day", row, StringComparison.Ordinal);
        Assert.Contains("403: 1", row, StringComparison.Ordinal);
        Assert.Contains("scope_not_granted", row, StringComparison.Ordinal);
        Assert.Contains("1 errors in the last hour (at most 0)", row, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge ok\">ok</span>", RowOf(html, calm), StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge active\">active</span>", RowOf(html, calm), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partner_is_counted_against_its_open_exceptions()
    {
        // The stubbed Shopify adapter holds an open exception of partner shop-partner.
        await topology.CreatePartnerAsync("shop-partner", "orders");
        using var client = await OperatorClient.SignedInAsync(topology.Gateway.HttpAddress);

        var row = RowOf(await client.PageAsync("/ops/partners"), "shop-partner");

        // Raised an hour before the stub answered.
        Assert.Matches("<td class=\"open-exceptions\">1 \\(oldest (59 min|1 h)\\) </td>", Text(row));
    }

    /// <summary>The row with its cells kept and everything inside a cell reduced to text.</summary>
    private static string Text(string row) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(row, "<(?!/?td)[^>]+>", ""), "\\s+", " ");

    internal static string RowOf(string html, string partnerId)
    {
        var start = html.IndexOf($"<tr id=\"partner-{partnerId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row for {partnerId}");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
