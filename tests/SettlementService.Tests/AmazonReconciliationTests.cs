using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events.Erp;
using Distribution.Aspire.Contracts.Events.Fulfillment;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// Amazon V2 settlement files built from the column spec, posted to <c>/partners/amazon/settlements</c> and reconciled
/// against orders the real order service received, returns, and the shipped fee model and posting rules.
/// </summary>
public sealed class AmazonReconciliationTests(AmazonFixture host) : IClassFixture<AmazonFixture>
{
    private const string Reconciled = "distribution.settlement.reconciled.v1";
    private const string MismatchDetected = "distribution.settlement.mismatch_detected.v1";

    [Fact]
    public async Task Report_whose_every_order_matches_is_reconciled_with_a_balanced_journal_in_exact_decimals()
    {
        var merchant = SettlementFile.NewOrderId();
        var fba = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(merchant, fba: false, ("SKU-1", 4, "25.00", "8.00"));
        await host.AmazonOrderAsync(fba, fba: true, ("SKU-2", 1, "25.00", "2.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Sale(merchant, "SKU-1", 4, "100.00", tax: "8.00", commission: "-15.00")
            .Sale(fba, "SKU-2", 1, "25.00", tax: "2.00", commission: "-3.75")
            .Fee(fba, "FBAPerUnitFulfillmentFee", "-3.22", sku: "SKU-2")
            .Row("ServiceFee", null, "other-transaction", "Subscription", "-39.99");

        using var response = await host.PostReportAsync(file.ToTsv());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        Assert.Equal("created", body.GetProperty("outcome").GetString());
        Assert.Equal("reconciled", body.GetProperty("status").GetString());
        Assert.Equal(2, body.GetProperty("results").GetProperty("matched").GetInt32());
        Assert.Single(body.GetProperty("results").EnumerateObject());
        Assert.Equal($"AMZ-{file.SettlementId}-USD", body.GetProperty("documentNumber").GetString());

        var settlementId = body.GetProperty("settlementId").GetGuid();
        var events = await host.PublishedAsync(settlementId);
        var (type, data) = Assert.Single(events);
        Assert.Equal(Reconciled, type);
        Assert.Equal("73.04", data.GetProperty("totalAmount").GetString());
        var journal = Assert.Single(data.GetProperty("journals").EnumerateArray());
        Assert.Equal($"AMZ-{file.SettlementId}-USD", journal.GetProperty("documentNumber").GetString());
        Assert.Equal("2026-03-17", journal.GetProperty("postingDate").GetString());
        var lines = journal.GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("account").GetString()!, l => (Debit: l.GetProperty("debit").GetString(), Credit: l.GetProperty("credit").GetString()));
        Assert.Equal(new Dictionary<string, (string?, string?)>
        {
            ["1010-BANK"] = ("73.04", "0.00"),
            ["2200-SALES-TAX"] = ("0.00", "10.00"),
            ["4000-SALES"] = ("0.00", "125.00"),
            ["6100-MARKETPLACE-FEES"] = ("18.75", "0.00"),
            ["6110-FULFILLMENT-FEES"] = ("3.22", "0.00"),
            ["6190-SUBSCRIPTIONS"] = ("39.99", "0.00"),
        }, lines);
        Assert.Equal(
            lines.Values.Sum(l => decimal.Parse(l.Debit!, System.Globalization.CultureInfo.InvariantCulture)),
            lines.Values.Sum(l => decimal.Parse(l.Credit!, System.Globalization.CultureInfo.InvariantCulture)));

        var detail = await host.SettlementAsync(settlementId);
        Assert.Equal("reconciled", detail.GetProperty("settlement").GetProperty("status").GetString());
        Assert.Equal(8, detail.GetProperty("lines").GetArrayLength());
        Assert.All(detail.GetProperty("results").EnumerateArray(), r => Assert.Equal("matched", r.GetProperty("result").GetString()));
        Assert.Equal("pending", Assert.Single(detail.GetProperty("journals").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_fee_the_model_does_not_expect_is_an_unexpected_charge_and_nothing_is_posted()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "40.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Sale(order, "SKU-1", 1, "40.00", commission: "-6.00")
            .Fee(order, "HighVolumeListingFee", "-0.50");

        var (settlementId, status) = await PostAsync(file);

        Assert.Equal("mismatch", status);
        var results = await ResultsAsync(settlementId);
        Assert.Equal([("unexpected_charge", order, "-0.50"), ("unmapped_posting", string.Empty, "-0.50")],
            results.Select(r => (r.GetProperty("result").GetString(), r.GetProperty("orderReference").GetString(), r.GetProperty("actual").GetString())).ToList());
        Assert.Contains("HighVolumeListingFee", results[0].GetProperty("reason").GetString());
        await AssertNothingPostedAsync(settlementId, "unexpected_charge");
    }

    [Fact]
    public async Task A_fee_off_the_model_by_more_than_its_tolerance_is_an_amount_mismatch()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "40.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "40.00", commission: "-6.50");

        var (settlementId, status) = await PostAsync(file);

        Assert.Equal("mismatch", status);
        var result = Assert.Single(await ResultsAsync(settlementId));
        Assert.Equal(("amount_mismatch", "-6.00", "-6.50"),
            (result.GetProperty("result").GetString(), result.GetProperty("expected").GetString(), result.GetProperty("actual").GetString()));
    }

    [Fact]
    public async Task A_refund_without_a_received_return_is_an_unexpected_charge()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "10.00", "0.80"));
        var (first, _) = await PostAsync(new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "10.00", tax: "0.80", commission: "-1.50"));
        Assert.Equal("reconciled", (await host.SettlementAsync(first)).GetProperty("settlement").GetProperty("status").GetString());

        var (settlementId, status) = await PostAsync(new SettlementFile(SettlementFile.NewSettlementId()).Refund(order, "SKU-1", "-10.00", tax: "-0.80"));

        Assert.Equal("mismatch", status);
        var result = Assert.Single(await ResultsAsync(settlementId));
        Assert.Equal(("unexpected_charge", "-10.80"), (result.GetProperty("result").GetString(), result.GetProperty("actual").GetString()));
        Assert.Contains("without a received return", result.GetProperty("reason").GetString());
        await AssertNothingPostedAsync(settlementId, "unexpected_charge");
    }

    [Fact]
    public async Task A_refund_for_a_received_return_reconciles_with_the_commission_paid_back()
    {
        var order = SettlementFile.NewOrderId();
        var orderId = await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "10.00", "0.80"));
        await PostAsync(new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "10.00", tax: "0.80", commission: "-1.50"));
        var returned = await host.PublishAsync(new ReturnReceived(Guid.NewGuid(), orderId, "amazon", "WH-WEST",
            [new ReturnedLine("1", "SKU-1", 1, "restock")], "10.80", "USD", DateTimeOffset.UtcNow));
        await host.WaitHandledAsync(returned);
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Refund(order, "SKU-1", "-10.00", tax: "-0.80")
            .Row("Refund", order, "ItemFees", "Commission", "1.50", "SKU-1", null, "1", adjustmentId: $"adj-{order}")
            .Row("Refund", order, "ItemFees", "RefundCommission", "-0.30", "SKU-1", null, "1", adjustmentId: $"adj-{order}");

        var (settlementId, status) = await PostAsync(file);

        Assert.Equal("reconciled", status);
        var result = Assert.Single(await ResultsAsync(settlementId));
        Assert.Equal(("matched", "-10.80", "-10.80"),
            (result.GetProperty("result").GetString(), result.GetProperty("expected").GetString(), result.GetProperty("actual").GetString()));
    }

    [Fact]
    public async Task An_order_the_platform_never_received_is_a_missing_order()
    {
        var known = SettlementFile.NewOrderId();
        var unknown = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(known, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Sale(known, "SKU-1", 1, "20.00", commission: "-3.00")
            .Sale(unknown, "SKU-9", 2, "30.00", commission: "-4.50");

        var (settlementId, status) = await PostAsync(file);

        Assert.Equal("mismatch", status);
        var results = await ResultsAsync(settlementId);
        Assert.Equal([(known, "matched"), (unknown, "missing_order")],
            results.Select(r => (r.GetProperty("orderReference").GetString(), r.GetProperty("result").GetString())).ToList());
        Assert.Equal("25.50", results[1].GetProperty("actual").GetString());
        var mismatch = Assert.Single(await MismatchEventsAsync(settlementId)).GetProperty("mismatches");
        Assert.Equal(unknown, Assert.Single(mismatch.EnumerateArray()).GetProperty("orderReference").GetString());
    }

    [Fact]
    public async Task Reconciling_again_after_the_missing_order_arrives_reconciles_the_settlement()
    {
        var order = SettlementFile.NewOrderId();
        var (settlementId, status) = await PostAsync(new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00"));
        Assert.Equal("mismatch", status);
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));

        using var admin = host.Admin();
        using var response = await admin.PostAsync($"/admin/settlements/{settlementId}:reconcile", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        Assert.Equal("reconciled", detail.GetProperty("settlement").GetProperty("status").GetString());
        Assert.Equal("matched", Assert.Single(detail.GetProperty("results").EnumerateArray()).GetProperty("result").GetString());
        Assert.Equal([MismatchDetected, Reconciled], (await host.PublishedAsync(settlementId)).Select(e => e.Type).ToList());

        using var again = await admin.PostAsync($"/admin/settlements/{settlementId}:reconcile", null);
        await Problems.AssertAsync(again, HttpStatusCode.Conflict, "not_reconcilable");
    }

    [Fact]
    public async Task The_same_report_sent_again_answers_the_stored_settlement_and_changes_nothing()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var tsv = new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00").ToTsv();
        using var first = await host.PostReportAsync(tsv);
        var created = (await first.Content.ReadFromJsonAsync<JsonElement>())!;
        var settlementId = created.GetProperty("settlementId").GetGuid();
        await host.PublishedAsync(settlementId);
        var before = await CountsAsync(settlementId);

        using var second = await host.PostReportAsync(tsv.Replace("\r\n", "\n", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var replay = (await second.Content.ReadFromJsonAsync<JsonElement>())!;
        Assert.Equal("duplicate", replay.GetProperty("outcome").GetString());
        Assert.Equal(settlementId, replay.GetProperty("settlementId").GetGuid());
        Assert.Equal("reconciled", replay.GetProperty("status").GetString());
        Assert.Equal(created.GetProperty("documentNumber").GetString(), replay.GetProperty("documentNumber").GetString());
        Assert.Equal(before, await CountsAsync(settlementId));
        Assert.Single(await host.PublishedAsync(settlementId));
    }

    [Fact]
    public async Task Different_content_under_a_stored_settlement_id_is_refused_as_a_conflict()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var id = SettlementFile.NewSettlementId();
        using var first = await host.PostReportAsync(new SettlementFile(id).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00").ToTsv());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        using var changed = await host.PostReportAsync(new SettlementFile(id).Sale(order, "SKU-1", 1, "20.00", commission: "-3.01").ToTsv());

        await Problems.AssertAsync(changed, HttpStatusCode.Conflict, "settlement_conflict");
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT count(*) FROM settlements WHERE external_id = @p0", id));
        Assert.Equal("-3.0000", (await host.ScalarAsync<decimal>(
            "SELECT amount FROM settlement_lines l JOIN settlements s USING (settlement_id) WHERE s.external_id = @p0 AND amount_description = 'Commission'", id))
            .ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_order_listed_twice_in_one_report_is_a_duplicate()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Sale(order, "SKU-1", 1, "20.00", commission: "-3.00")
            .Sale(order, "SKU-1", 1, "20.00", commission: "-3.00");

        var (settlementId, status) = await PostAsync(file);

        Assert.Equal("mismatch", status);
        var result = Assert.Single(await ResultsAsync(settlementId));
        Assert.Equal(("duplicate", order), (result.GetProperty("result").GetString(), result.GetProperty("orderReference").GetString()));
        Assert.Equal([3, 4, 5, 6], result.GetProperty("lines").EnumerateArray().Select(l => l.GetInt32()).ToArray());
        await AssertNothingPostedAsync(settlementId, "duplicate");
    }

    [Fact]
    public async Task An_order_settled_by_an_earlier_report_is_a_duplicate_in_a_later_one()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var first = new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00");
        Assert.Equal("reconciled", (await PostAsync(first)).Status);

        var (settlementId, status) = await PostAsync(new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00"));

        Assert.Equal("mismatch", status);
        var result = Assert.Single(await ResultsAsync(settlementId));
        Assert.Equal("duplicate", result.GetProperty("result").GetString());
        Assert.Contains(first.SettlementId, result.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Two_reports_settling_the_same_orders_at_the_same_time_settle_each_order_once()
    {
        var orders = Enumerable.Range(0, 4).Select(_ => SettlementFile.NewOrderId()).ToList();
        foreach (var order in orders)
        {
            await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        }

        SettlementFile Report()
        {
            var file = new SettlementFile(SettlementFile.NewSettlementId());
            orders.ForEach(order => file.Sale(order, "SKU-1", 1, "20.00", commission: "-3.00"));
            return file;
        }

        for (var round = 0; round < 3; round++)
        {
            var outcomes = await Task.WhenAll(PostAsync(Report()), PostAsync(Report()));

            // Each order is settled by exactly one report; in the first round that is one of the two, afterwards neither.
            var statuses = outcomes.Select(o => o.Status).Order().ToArray();
            Assert.Equal(round == 0 ? ["mismatch", "reconciled"] : ["mismatch", "mismatch"], statuses);
        }

        Assert.Equal(1L, await host.ScalarAsync<long>(
            "SELECT count(*) FROM settlement_journals j JOIN settlement_lines l ON l.settlement_id = j.settlement_id WHERE l.order_reference = @p0 AND l.amount_description = 'Principal'",
            orders[0]));
    }

    [Fact]
    public async Task A_header_total_that_is_not_the_sum_of_its_lines_flags_the_whole_report()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00");

        using var response = await host.PostReportAsync(file.ToTsv(total: "17.01"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        Assert.Equal(("mismatch", true), (body.GetProperty("status").GetString(), body.GetProperty("headerTotalMismatch").GetBoolean()));
        var settlementId = body.GetProperty("settlementId").GetGuid();
        var detail = await host.SettlementAsync(settlementId);
        Assert.Equal(("17.01", "17.00"), (detail.GetProperty("settlement").GetProperty("totalAmount").GetString(), detail.GetProperty("settlement").GetProperty("linesTotal").GetString()));
        var mismatch = Assert.Single(await MismatchEventsAsync(settlementId));
        Assert.True(mismatch.GetProperty("headerTotalMismatch").GetBoolean());
        await AssertNothingPostedAsync(settlementId, null);
    }

    [Fact]
    public async Task A_line_no_posting_rule_covers_is_an_exception_and_no_journal_is_built()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Sale(order, "SKU-1", 1, "20.00", commission: "-3.00")
            .Row("other-transaction", null, "other-transaction", "Misc", "5.00");

        var (settlementId, status) = await PostAsync(file);

        Assert.Equal("mismatch", status);
        var results = await ResultsAsync(settlementId);
        Assert.Equal(["matched", "unmapped_posting"], results.Select(r => r.GetProperty("result").GetString()).ToList());
        Assert.Equal([5], results[1].GetProperty("lines").EnumerateArray().Select(l => l.GetInt32()).ToArray());
        Assert.Contains("other-transaction other-transaction/Misc", results[1].GetProperty("reason").GetString());
        await AssertNothingPostedAsync(settlementId, "unmapped_posting");
    }

    [Fact]
    public async Task Journal_posted_by_the_erp_marks_the_settlement_posted_once_whatever_arrives_after()
    {
        var (settlementId, documentNumber) = await ReconciledSettlementAsync();

        var posted = new JournalPosted(settlementId, documentNumber, "ERP-4711", DateTimeOffset.UtcNow);
        await host.WaitHandledAsync(await host.PublishAsync(posted));
        var changedAt = await host.ScalarAsync<DateTime>("SELECT changed_at FROM settlement_journals WHERE document_number = @p0", documentNumber);
        await host.WaitHandledAsync(await host.PublishAsync(posted with { ErpEntryId = "ERP-9999" }));
        await host.WaitHandledAsync(await host.PublishAsync(new JournalRejected(settlementId, documentNumber, "late", "arrived after posting", DateTimeOffset.UtcNow)));

        var detail = await host.SettlementAsync(settlementId);
        Assert.Equal("posted", detail.GetProperty("settlement").GetProperty("status").GetString());
        var journal = Assert.Single(detail.GetProperty("journals").EnumerateArray());
        Assert.Equal(("posted", "ERP-4711"), (journal.GetProperty("status").GetString(), journal.GetProperty("erpEntryId").GetString()));
        Assert.Equal(changedAt, await host.ScalarAsync<DateTime>("SELECT changed_at FROM settlement_journals WHERE document_number = @p0", documentNumber));
    }

    [Fact]
    public async Task Journal_rejected_by_the_erp_leaves_the_settlement_posting_rejected_with_the_reason()
    {
        var (settlementId, documentNumber) = await ReconciledSettlementAsync();

        await host.WaitHandledAsync(await host.PublishAsync(new JournalRejected(settlementId, documentNumber, "unknown_account", "Account 6100-MARKETPLACE-FEES is blocked", DateTimeOffset.UtcNow)));

        var detail = await host.SettlementAsync(settlementId);
        Assert.Equal("posting_rejected", detail.GetProperty("settlement").GetProperty("status").GetString());
        var journal = Assert.Single(detail.GetProperty("journals").EnumerateArray());
        Assert.Equal(("rejected", "unknown_account"), (journal.GetProperty("status").GetString(), journal.GetProperty("rejectCode").GetString()));
    }

    [Fact]
    public async Task Operators_list_settlements_and_open_mismatches_by_result()
    {
        var unknown = SettlementFile.NewOrderId();
        var (settlementId, _) = await PostAsync(new SettlementFile(SettlementFile.NewSettlementId()).Sale(unknown, "SKU-1", 1, "20.00"));
        using var admin = host.Admin();

        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/settlements?channel=amazon&status=mismatch&limit=500");
        var mismatches = await admin.GetFromJsonAsync<JsonElement>("/admin/settlements/mismatches?result=missing_order&open=true&limit=500");

        Assert.Contains(list.GetProperty("settlements").EnumerateArray(), s => s.GetProperty("settlementId").GetGuid() == settlementId);
        var mine = Assert.Single(mismatches.GetProperty("mismatches").EnumerateArray(), m => m.GetProperty("settlementId").GetGuid() == settlementId);
        Assert.Equal(unknown, mine.GetProperty("orderReference").GetString());
        using var withoutKey = host.App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await withoutKey.GetAsync("/admin/settlements/mismatches")).StatusCode);
        using var badFilter = await admin.GetAsync("/admin/settlements/mismatches?result=matched");
        await Problems.AssertAsync(badFilter, HttpStatusCode.BadRequest, "invalid_filter");
        using var missing = await admin.GetAsync($"/admin/settlements/{Guid.NewGuid()}");
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound, "settlement_not_found");
    }

    private async Task<(Guid SettlementId, string DocumentNumber)> ReconciledSettlementAsync()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 1, "20.00", "0.00"));
        var file = new SettlementFile(SettlementFile.NewSettlementId()).Sale(order, "SKU-1", 1, "20.00", commission: "-3.00");
        var (settlementId, status) = await PostAsync(file);
        Assert.Equal("reconciled", status);
        return (settlementId, $"AMZ-{file.SettlementId}-USD");
    }

    private async Task<(Guid SettlementId, string Status)> PostAsync(SettlementFile file)
    {
        using var response = await host.PostReportAsync(file.ToTsv());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        return (body.GetProperty("settlementId").GetGuid(), body.GetProperty("status").GetString()!);
    }

    private async Task<List<JsonElement>> ResultsAsync(Guid settlementId) =>
        [.. (await host.SettlementAsync(settlementId)).GetProperty("results").EnumerateArray()];

    private async Task<List<JsonElement>> MismatchEventsAsync(Guid settlementId) =>
        [.. (await host.PublishedAsync(settlementId)).Where(e => e.Type == MismatchDetected).Select(e => e.Data)];

    /// <summary>No journal, and the one event is settlement.mismatch_detected (naming <paramref name="result"/> when given).</summary>
    private async Task AssertNothingPostedAsync(Guid settlementId, string? result)
    {
        Assert.Equal(0L, await host.ScalarAsync<long>("SELECT count(*) FROM settlement_journals WHERE settlement_id = @p0", settlementId));
        var (type, data) = Assert.Single(await host.PublishedAsync(settlementId));
        Assert.Equal(MismatchDetected, type);
        if (result is not null)
        {
            Assert.Contains(data.GetProperty("mismatches").EnumerateArray(), m => m.GetProperty("result").GetString() == result);
        }
    }

    private async Task<(long Lines, long Results, long Journals, DateTime Updated)> CountsAsync(Guid settlementId) => (
        await host.ScalarAsync<long>("SELECT count(*) FROM settlement_lines WHERE settlement_id = @p0", settlementId),
        await host.ScalarAsync<long>("SELECT count(*) FROM reconciliation_results WHERE settlement_id = @p0", settlementId),
        await host.ScalarAsync<long>("SELECT count(*) FROM settlement_journals WHERE settlement_id = @p0", settlementId),
        await host.ScalarAsync<DateTime>("SELECT updated_at FROM settlements WHERE settlement_id = @p0", settlementId));
}
