using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// Reports that are not V2 settlement files, or hold values that cannot be read, are refused as a whole with the file
/// lines at fault; nothing of them is stored but the refused report itself, on the operators' list.
/// </summary>
public sealed class BadReportTests(AmazonFixture host) : IClassFixture<AmazonFixture>
{
    [Fact]
    public async Task A_report_with_a_wrong_column_set_is_refused_at_line_1()
    {
        var columns = SettlementFile.Columns.Where(c => c != "sku").Append("buyer-email").ToArray();
        var tsv = Valid().ToTsv(columns: columns);

        var errors = await AssertRefusedAsync(tsv);

        Assert.Equal([1, 1], errors.Select(e => e.GetProperty("line").GetInt32()).ToArray());
        Assert.Contains(errors, e => e.GetProperty("message").GetString()!.Contains("buyer-email", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.GetProperty("message").GetString() == "Missing columns: sku.");
    }

    [Fact]
    public async Task An_unparsable_amount_is_refused_with_its_line_number()
    {
        var file = Valid().Row("Order", SettlementFile.NewOrderId(), "ItemPrice", "Principal", "12.3.4", "SKU-1", 1, "1");

        var errors = await AssertRefusedAsync(file.ToTsv(total: "0.00"));

        var error = Assert.Single(errors);
        Assert.Equal((5, "amount"), (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetString()));
    }

    [Fact]
    public async Task A_report_with_more_bad_rows_than_the_error_list_holds_is_still_refused_and_kept()
    {
        var file = Valid();
        for (var i = 0; i < 150; i++)
        {
            // A European file: thousands separator '.', decimal ','.
            file.Row("Order", SettlementFile.NewOrderId(), "ItemPrice", "Principal", "1.234,56", "SKU-1", 1, "1");
        }

        var errors = await AssertRefusedAsync(file.ToTsv(total: "0.00"));

        Assert.Equal(100, errors.Count);
        Assert.All(errors, error => Assert.Equal("amount", error.GetProperty("column").GetString()));
    }

    [Fact]
    public async Task An_unparsable_date_is_refused_with_its_line_number()
    {
        var file = Valid().Row("Order", SettlementFile.NewOrderId(), "ItemPrice", "Principal", "5.00", "SKU-1", 1, "1", postedDateTime: "2026-13-45T99:00:00Z");
        file.End = "next tuesday";

        var errors = await AssertRefusedAsync(file.ToTsv());

        Assert.Equal([(2, "settlement-end-date"), (5, "posted-date-time")],
            errors.Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetString())).ToList());
    }

    [Fact]
    public async Task Mixed_currencies_are_refused_naming_the_lines_in_another_currency()
    {
        var order = SettlementFile.NewOrderId();
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Row("Order", order, "ItemPrice", "Principal", "10.00", "SKU-1", 1, "1", currencyColumn: "USD")
            .Row("Order", order, "ItemPrice", "Tax", "0.80", "SKU-1", null, "1", currencyColumn: "EUR")
            .Row("Order", order, "ItemFees", "Commission", "-1.50", "SKU-1", null, "1")
            .Row("Order", order, "ItemPrice", "Shipping", "4.99", "SKU-1", null, "1", currencyColumn: "GBP");

        var errors = await AssertRefusedAsync(file.ToTsv());

        var error = Assert.Single(errors);
        Assert.Equal((4, "currency"), (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetString()));
        Assert.Contains("lines 4, 6", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Every_problem_of_a_report_is_listed_at_once()
    {
        var order = SettlementFile.NewOrderId();
        var file = Valid()
            .Row("Order", order, "ItemPrice", "Principal", "ten", "SKU-1", 1, "1")
            .Row("Order", order, string.Empty, "Tax", "1.00", "SKU-1", null, "1")
            .Row("Order", order, "ItemPrice", "Principal", "1.00", "SKU-1", -2, "2");

        var errors = await AssertRefusedAsync(file.ToTsv(total: "1.00"));

        Assert.Equal([(5, "amount"), (6, "amount-type"), (7, "quantity-purchased")],
            errors.Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetString())).ToList());
    }

    [Fact]
    public async Task A_refused_report_is_kept_for_operators_with_its_errors()
    {
        var marker = SettlementFile.NewSettlementId();
        var tsv = new SettlementFile(marker).Row("Order", SettlementFile.NewOrderId(), "ItemPrice", "Principal", "1,2,3", "SKU-1", 1, "1").ToTsv(total: "0");
        using var refused = await host.PostReportAsync(tsv);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using var admin = host.Admin();
        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/settlements/rejected?code=invalid_settlement_report&limit=500");
        var mine = list.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("reportId").GetGuid()).ToList();
        var found = false;
        foreach (var reportId in mine)
        {
            var report = await admin.GetFromJsonAsync<JsonElement>($"/admin/settlements/rejected/{reportId}");
            if (report.GetProperty("body").GetString()!.Contains(marker, StringComparison.Ordinal))
            {
                found = true;
                Assert.Equal(("amazon", SettlementHost.AmazonPartner), (report.GetProperty("channel").GetString(), report.GetProperty("partnerId").GetString()));
                Assert.Equal(3, Assert.Single(report.GetProperty("errors").EnumerateArray()).GetProperty("line").GetInt32());
                Assert.Equal(tsv, report.GetProperty("body").GetString());
            }
        }

        Assert.True(found, "the refused report is on the operators' list");
    }

    [Fact]
    public async Task A_report_over_the_size_limit_is_refused_with_413()
    {
        var file = Valid();
        var row = string.Join('\t', SettlementFile.Columns.Select(_ => "x"));
        var body = new StringBuilder(file.ToTsv());
        while (body.Length <= AmazonFixture.MaxReportBytes)
        {
            body.Append(row).Append('\n');
        }

        using var response = await host.PostReportAsync(body.ToString());

        await Problems.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM settlements WHERE external_id = @p0", file.SettlementId));
    }

    [Fact]
    public async Task A_report_without_the_gateways_partner_identity_is_refused()
    {
        using var anonymous = await host.PostReportAsync(Encoding.UTF8.GetBytes(Valid().ToTsv()), partnerId: null, channel: null);
        using var shopify = await host.PostReportAsync(Valid().ToTsv(), partnerId: "shop-1", channel: "shopify");

        await Problems.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        await Problems.AssertAsync(shopify, HttpStatusCode.Forbidden, "channel_not_allowed");
    }

    [Fact]
    public async Task A_european_report_with_decimal_commas_and_day_first_dates_is_read()
    {
        var file = new SettlementFile(SettlementFile.NewSettlementId(), "EUR") { Start = "01.03.2026 00:00:00 UTC", End = "15.03.2026 00:00:00 UTC", Deposit = "17.03.2026 00:00:00 UTC" }
            .Row("ServiceFee", null, "other-transaction", "Subscription", "-39,99", postedDateTime: "10.03.2026 12:00:00 UTC");

        using var response = await host.PostReportAsync(file.ToTsv(total: "-39,99"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        var detail = await host.SettlementAsync(body.GetProperty("settlementId").GetGuid());
        var settlement = detail.GetProperty("settlement");
        Assert.Equal(("EUR", "-39.99", "2026-03-17T00:00:00+00:00"),
            (settlement.GetProperty("currency").GetString(), settlement.GetProperty("totalAmount").GetString(), settlement.GetProperty("depositDate").GetString()));
        Assert.Equal("reconciled", settlement.GetProperty("status").GetString());
    }

    /// <summary>The file is refused with 400 invalid_settlement_report and nothing of it stored as a settlement; returns its errors.</summary>
    private async Task<List<JsonElement>> AssertRefusedAsync(string tsv)
    {
        var settlementsBefore = await host.ScalarAsync<long>("SELECT count(*) FROM settlements");
        var rejectedBefore = await host.ScalarAsync<long>("SELECT count(*) FROM rejected_reports");
        using var response = await host.PostReportAsync(tsv);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_settlement_report", problem.GetProperty("code").GetString());
        Assert.True(await host.ScalarAsync<long>("SELECT count(*) FROM rejected_reports") > rejectedBefore);
        Assert.Equal(settlementsBefore, await host.ScalarAsync<long>("SELECT count(*) FROM settlements"));
        return [.. problem.GetProperty("errors").EnumerateArray()];
    }

    private static SettlementFile Valid() =>
        new SettlementFile(SettlementFile.NewSettlementId())
            .Row("ServiceFee", null, "other-transaction", "Subscription", "-39.99")
            .Row("other-transaction", null, "other-transaction", "Misc", "5.00");
}
