using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>A reconciled settlement's journal reaches the (sandbox) ERP through the ERP adapter, once, and the settlement ends posted.</summary>
public sealed class ErpPostingFlowTests(ErpFixture host) : IClassFixture<ErpFixture>
{
    [Fact]
    public async Task A_reconciled_settlement_is_posted_to_the_erp_once_and_marked_posted()
    {
        var order = SettlementFile.NewOrderId();
        await host.AmazonOrderAsync(order, fba: false, ("SKU-1", 3, "20.00", "4.80"));
        var file = new SettlementFile(SettlementFile.NewSettlementId())
            .Sale(order, "SKU-1", 3, "60.00", tax: "4.80", commission: "-9.00")
            .Row("ServiceFee", null, "other-transaction", "Subscription", "-39.99");
        var tsv = file.ToTsv();
        using var response = await host.PostReportAsync(tsv);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var settlementId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("settlementId").GetGuid();
        var documentNumber = $"AMZ-{file.SettlementId}-USD";

        var detail = await Eventually.ReachesAsync(() => host.SettlementAsync(settlementId),
            d => d.GetProperty("settlement").GetProperty("status").GetString() == "posted", "the settlement posted by the ERP", TimeSpan.FromSeconds(60));

        var entry = Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == documentNumber));
        Assert.Equal(0m, entry.JournalLines.Sum(l => l.Amount));
        Assert.Equal(15.81m, entry.JournalLines.Single(l => l.AccountNumber == "1010-BANK").Amount);
        Assert.Equal(-60.00m, entry.JournalLines.Single(l => l.AccountNumber == "4000-SALES").Amount);
        Assert.Equal(entry.Id.ToString(), Assert.Single(detail.GetProperty("journals").EnumerateArray()).GetProperty("erpEntryId").GetString());

        using var again = await host.PostReportAsync(tsv);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == documentNumber));
    }
}
