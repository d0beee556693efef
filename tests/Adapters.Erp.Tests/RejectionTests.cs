using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.Contracts.Events.Settlements;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>What the ERP refuses is stopped once, with the ERP's own reason for operators, and can be retried once fixed.</summary>
public sealed class RejectionTests(TestServers servers)
{
    [Fact]
    public async Task Unbalanced_journal_is_rejected_with_the_erps_reason_and_not_retried()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var number = Journals.Number();
        var settlement = Journals.Reconciled(Journals.Unbalanced(number));

        await host.PublishAsync(settlement);

        var rejected = await RejectedAsync(host, number);
        Assert.Equal(ErpErrors.Unbalanced, rejected.GetProperty("code").GetString());
        Assert.Contains("out of balance by -15.00", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(settlement.SettlementId, rejected.GetProperty("settlementId").GetGuid());
        var exception = Assert.Single(await OpenExceptionsAsync(host));
        Assert.Equal(number, exception.GetProperty("documentNumber").GetString());
        Assert.Equal("journal", exception.GetProperty("kind").GetString());
        Assert.Equal(400, exception.GetProperty("erpStatus").GetInt32());
        Assert.Contains("out of balance", exception.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("rejected", await host.PostingStatusAsync(DocumentKinds.Journal, number));
        Assert.Empty(await host.PostedEventsAsync());

        // No retry storm: the refusal was final. Later work still flows, and the ERP saw the bad entry once.
        var next = Journals.Number();
        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(next)));
        await JournalPostingTests.PostedOnceAsync(host, next);
        Assert.Equal(2, host.Erp.Counters()["requests.posts"]);
        Assert.Equal(1, await host.ScalarAsync<int>("SELECT attempts FROM postings WHERE document_number = @n", ("n", number)));
    }

    [Fact]
    public async Task Unknown_account_is_rejected_with_the_erps_reason()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var number = Journals.Number();

        await host.PublishAsync(Journals.Reconciled(Journals.WithAccount(number, "9999")));

        var rejected = await RejectedAsync(host, number);
        Assert.Equal(ErpErrors.RecordNotFound, rejected.GetProperty("code").GetString());
        Assert.Contains("(9999)", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("G/L Account", Assert.Single(await OpenExceptionsAsync(host)).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_retry_posts_a_rejected_journal_once_the_account_exists()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var number = Journals.Number();
        await host.PublishAsync(Journals.Reconciled(Journals.WithAccount(number, "6150-LABEL-FEES")));
        await RejectedAsync(host, number);
        using var admin = host.AdminClient();
        var exceptionId = Assert.Single(await OpenExceptionsAsync(host)).GetProperty("id").GetInt64();

        var inspected = await admin.GetFromJsonAsync<JsonElement>($"/admin/erp/exceptions/{exceptionId}");
        Assert.Contains("\"account\": \"6150-LABEL-FEES\"", inspected.GetProperty("payload").GetString(), StringComparison.Ordinal);

        // The accountant creates the account in the ERP; the operator retries.
        host.Erp.UpsertAccounts([new AccountUpdate("6150-LABEL-FEES", "Shipping label fees", false)]);
        using var retry = await admin.PostAsync($"/admin/erp/exceptions/{exceptionId}:retry", null);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);

        await JournalPostingTests.PostedOnceAsync(host, number);
        Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == number));
        Assert.Empty(await OpenExceptionsAsync(host));
        using var again = await admin.PostAsync($"/admin/erp/exceptions/{exceptionId}:retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("exception_not_open", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unmappable_journal_is_rejected_without_calling_the_erp()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var number = Journals.Number();
        var journal = new JournalEntry(number, new DateOnly(2026, 11, 28), "USD", "Bad amount",
            [new JournalLine("1205-AMAZON-CLEARING", "ten", "0", "Clearing", null), new JournalLine("4000-SALES", "0", "10.00", "Sales", null)]);

        await host.PublishAsync(Journals.Reconciled(journal));

        var rejected = await RejectedAsync(host, number);
        Assert.Equal("unmappable_journal", rejected.GetProperty("code").GetString());
        Assert.Contains("'ten'", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, host.Erp.Counters().GetValueOrDefault("requests.posts"));
        using var admin = host.AdminClient();
        var exceptionId = Assert.Single(await OpenExceptionsAsync(host)).GetProperty("id").GetInt64();
        using var retry = await admin.PostAsync($"/admin/erp/exceptions/{exceptionId}:retry", null);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal("not_retryable", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Admin_api_needs_the_admin_key_and_refuses_unknown_filters()
    {
        await using var host = await ErpHost.StartAsync(servers);
        using var anonymous = new HttpClient { BaseAddress = host.AdapterAddress };
        using var unauthorized = await anonymous.GetAsync("/admin/erp/exceptions");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

        using var admin = host.AdminClient();
        using var badStatus = await admin.GetAsync("/admin/erp/postings?status=lost");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal("invalid_filter", (await badStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        using var missing = await admin.PostAsync("/admin/erp/exceptions/424242:retry", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<JsonElement> RejectedAsync(ErpHost host, string number)
    {
        await Eventually.TrueAsync(async () => (await host.RejectedEventsAsync()).Any(e => e.Data.GetProperty("documentNumber").GetString() == number),
            $"JournalRejected for {number}");
        return Assert.Single(await host.RejectedEventsAsync(), e => e.Data.GetProperty("documentNumber").GetString() == number).Data;
    }

    private static async Task<List<JsonElement>> OpenExceptionsAsync(ErpHost host)
    {
        using var admin = host.AdminClient();
        var list = await admin.GetFromJsonAsync<JsonElement>("/admin/erp/exceptions?status=open");
        return [.. list.GetProperty("items").EnumerateArray()];
    }
}
