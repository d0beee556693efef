using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>Balanced journals reach the ERP exactly once, whatever the ERP and the network do in between.</summary>
public sealed class JournalPostingTests(TestServers servers)
{
    [Fact]
    public async Task Balanced_journal_is_posted_once_and_JournalPosted_carries_the_erps_entry_id()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var number = Journals.Number();
        var settlement = Journals.Reconciled(Journals.Balanced(number));

        await host.PublishAsync(settlement);

        var posted = await PostedOnceAsync(host, number);
        var entry = Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == number));
        Assert.Equal(entry.Id.ToString(), posted.Data.GetProperty("erpEntryId").GetString());
        Assert.Equal(settlement.SettlementId, posted.Data.GetProperty("settlementId").GetGuid());
        Assert.Equal([85.00m, 15.00m, -100.00m], entry.JournalLines.Select(l => l.Amount));
        Assert.Equal(["1205-AMAZON-CLEARING", "6100-MARKETPLACE-FEES", "4000-SALES"], entry.JournalLines.Select(l => l.AccountNumber));
        Assert.Equal(new DateOnly(2026, 11, 28), entry.PostingDate);
        Assert.Equal("ORDER-1", entry.JournalLines[1].Comment);
        Assert.Equal(1, host.Erp.Counters().GetValueOrDefault("tokens.issued"));
    }

    [Fact]
    public async Task Journal_is_posted_exactly_once_through_injected_500s_and_503s()
    {
        await using var host = await ErpHost.StartAsync(servers);
        host.Faults(new ErpFaults { FailNext = 3, FailStatus = 500 });
        var first = Journals.Number();
        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(first)));
        await PostedOnceAsync(host, first);

        host.Faults(new ErpFaults { FailNext = 3, FailStatus = 503 });
        var second = Journals.Number();
        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(second)));
        await PostedOnceAsync(host, second);

        Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == first));
        Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == second));
        Assert.Equal(6, host.Erp.Counters()["faults.failed"]);
        Assert.True(await host.ScalarAsync<int>("SELECT attempts FROM postings WHERE document_number = @n", ("n", second)) > 1);
    }

    [Fact]
    public async Task Journal_is_posted_exactly_once_when_the_erp_times_out_before_and_after_committing()
    {
        await using var host = await ErpHost.StartAsync(servers);
        // First post hangs without committing; the second commits and then hangs: both look like a timeout to us.
        host.Faults(new ErpFaults { Only = "posts", TimeoutNext = 1, CommitThenTimeoutNext = 1 });
        var number = Journals.Number();

        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(number)));

        var posted = await PostedOnceAsync(host, number, timeoutSeconds: 40);
        var entry = Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == number));
        Assert.Equal(entry.Id.ToString(), posted.Data.GetProperty("erpEntryId").GetString());
        var counters = host.Erp.Counters();
        Assert.Equal(1, counters["faults.timeouts"]);
        Assert.Equal(1, counters["faults.timeouts_after_commit"]);
        // The committed-but-unanswered post was found by lookup, not posted again.
        Assert.Equal(0, counters.GetValueOrDefault("journalEntries.duplicates"));
    }

    [Fact]
    public async Task Dropped_response_after_commit_is_found_by_lookup_and_not_posted_again()
    {
        await using var host = await ErpHost.StartAsync(servers);
        host.Faults(new ErpFaults { Only = "posts", DropResponseNext = 1 });
        var number = Journals.Number();

        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(number)));

        await PostedOnceAsync(host, number);
        Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == number));
        var counters = host.Erp.Counters();
        Assert.Equal(1, counters["faults.dropped_responses"]);
        Assert.Equal(1, counters["journalEntries.posted"]);
        Assert.Equal(0, counters.GetValueOrDefault("journalEntries.duplicates"));
        Assert.Equal(2, await host.ScalarAsync<int>("SELECT attempts FROM postings WHERE document_number = @n", ("n", number)));
    }

    [Fact]
    public async Task Throttled_posts_wait_for_retry_after_and_post_once()
    {
        await using var host = await ErpHost.StartAsync(servers);
        host.Faults(new ErpFaults { Only = "posts", ThrottleNext = 3, RetryAfterSeconds = 1 });
        var number = Journals.Number();

        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(number)));

        await PostedOnceAsync(host, number);
        Assert.Single(host.Erp.Entries(e => e.ExternalDocumentNumber == number));
        Assert.Equal(3, host.Erp.Counters()["faults.throttled"]);
    }

    [Fact]
    public async Task Erp_outage_delays_journals_and_loses_none()
    {
        await using var host = await ErpHost.StartAsync(servers);
        host.Faults(new ErpFaults { Down = true });
        var numbers = Enumerable.Range(0, 5).Select(_ => Journals.Number()).ToList();

        await host.PublishAsync(Journals.Reconciled([.. numbers.Select(n => Journals.Balanced(n))]));
        await Eventually.TrueAsync(() => host.Erp.Counters().GetValueOrDefault("faults.down") >= 5, "the ERP refused calls while down");
        Assert.Empty(host.Erp.Entries());
        host.Faults(new ErpFaults());

        foreach (var number in numbers)
        {
            await PostedOnceAsync(host, number);
        }

        Assert.Equal(numbers.Order(), host.Erp.Entries().Select(e => e.ExternalDocumentNumber).Order());
    }

    [Fact]
    public async Task Erps_duplicate_answer_counts_as_posted_with_the_existing_entry_id()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var number = Journals.Number();
        // The ERP already holds the entry (posted by an earlier run whose outcome was lost with its database).
        ErpBooks.PostJournalEntry(host.Erp, host.Erp.Options.JournalId, new JournalEntryRequest(
            number, "2026-11-28", "USD", "earlier", [new JournalLineRequest(null, "1205-AMAZON-CLEARING", 1m, null, null), new JournalLineRequest(null, "4000-SALES", -1m, null, null)]));
        var entryId = Assert.Single(host.Erp.Entries()).Id;

        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(number)));

        var posted = await PostedOnceAsync(host, number);
        Assert.Equal(entryId.ToString(), posted.Data.GetProperty("erpEntryId").GetString());
        Assert.Single(host.Erp.Entries());
        Assert.Equal(1, host.Erp.Counters()["journalEntries.duplicates"]);
    }

    [Fact]
    public async Task Duplicate_settlement_delivery_posts_each_journal_once()
    {
        await using var host = await ErpHost.StartAsync(servers);
        var (a, b) = (Journals.Number(), Journals.Number());
        var settlement = Journals.Reconciled(Journals.Balanced(a), Journals.Balanced(b));

        await host.PublishAsync(settlement);
        await host.PublishAsync(settlement);
        // A later event naming one of the journals again (a replay after the settlement was re-reconciled).
        await host.PublishAsync(Journals.Reconciled(settlement.SettlementId, Journals.Balanced(b)));

        await PostedOnceAsync(host, a);
        await PostedOnceAsync(host, b);
        await Eventually.TrueAsync(
            async () => await host.ScalarAsync<long>("SELECT count(*) FROM inbox") >= 3, "all three deliveries handled");
        Assert.Equal(2, host.Erp.Entries().Count);
        Assert.Equal(2, host.Erp.Counters()["journalEntries.posted"]);
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT count(*) FROM postings"));
        Assert.Equal(2, (await host.PostedEventsAsync()).Count);
    }

    /// <summary>Waits for the journal's JournalPosted and checks it is the only one for that document number.</summary>
    internal static async Task<PublishedEvent> PostedOnceAsync(ErpHost host, string number, int timeoutSeconds = 30)
    {
        await Eventually.TrueAsync(async () => (await host.PostedEventsAsync()).Any(e => e.Data.GetProperty("documentNumber").GetString() == number),
            $"JournalPosted for {number}", timeoutSeconds);
        Assert.Equal("posted", await host.PostingStatusAsync(DocumentKinds.Journal, number));
        return Assert.Single(await host.PostedEventsAsync(), e => e.Data.GetProperty("documentNumber").GetString() == number);
    }
}
