using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>A settlement of realistic size goes through in one request: every line stored, every order reconciled, the event bounded.</summary>
public sealed class LargeReportTests(SettlementHost host) : IClassFixture<SettlementHost>
{
    [Fact]
    public async Task A_report_of_twenty_thousand_lines_is_stored_and_reconciled_with_a_bounded_mismatch_event()
    {
        var file = new SettlementFile(SettlementFile.NewSettlementId());
        for (var i = 0; i < 5000; i++)
        {
            var order = string.Create(CultureInfo.InvariantCulture, $"114-{i:D7}-0000001");
            file.Sale(order, "SKU-1", 1, "19.99", tax: "1.60", commission: "-3.00").Fee(order, "FBAPerUnitFulfillmentFee", "-3.22");
        }

        using var response = await host.PostReportAsync(file.ToTsv());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        Assert.Equal((20_000, "mismatch", 5000), (body.GetProperty("lineCount").GetInt32(), body.GetProperty("status").GetString(),
            body.GetProperty("results").GetProperty("missing_order").GetInt32()));
        var settlementId = body.GetProperty("settlementId").GetGuid();
        Assert.Equal(20_000L, await host.ScalarAsync<long>("SELECT count(*) FROM settlement_lines WHERE settlement_id = @p0", settlementId));
        Assert.Equal(file.Sum, await host.ScalarAsync<decimal>("SELECT sum(amount) FROM settlement_lines WHERE settlement_id = @p0", settlementId));
        var (type, data) = Assert.Single(await host.PublishedAsync(settlementId));
        Assert.Equal("distribution.settlement.mismatch_detected.v1", type);
        Assert.Equal(200, data.GetProperty("mismatches").GetArrayLength());
        var detail = await host.SettlementAsync(settlementId);
        Assert.True(detail.GetProperty("linesTruncated").GetBoolean());
        Assert.Equal(5000, detail.GetProperty("lines").GetArrayLength());
    }
}
