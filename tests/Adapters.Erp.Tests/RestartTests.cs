using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>The queue outlives the process: stopped mid-queue (and mid-call), restarted, everything reaches the ERP once.</summary>
public sealed class RestartTests(TestServers servers)
{
    [Fact]
    public async Task Adapter_stopped_mid_queue_delivers_every_journal_once_after_restart()
    {
        await using var host = await ErpHost.StartAsync(servers);
        // A slow ERP, so the stop lands while posts are in flight (the ERP then commits what we gave up on).
        host.Faults(new ErpFaults { Only = "posts", LatencyMilliseconds = 400 });
        var numbers = Enumerable.Range(0, 8).Select(_ => Journals.Number()).ToList();

        await host.PublishAsync(Journals.Reconciled([.. numbers.Select(n => Journals.Balanced(n))]));
        await Eventually.TrueAsync(() => host.Erp.Entries().Count >= 2, "some journals posted before the stop");
        await host.StopAdapterAsync();
        var postedBeforeRestart = host.Erp.Entries().Count;
        Assert.InRange(postedBeforeRestart, 2, numbers.Count - 1);

        host.Faults(new ErpFaults());
        await host.StartAdapterAsync();

        foreach (var number in numbers)
        {
            await JournalPostingTests.PostedOnceAsync(host, number);
        }

        Assert.Equal(numbers.Order(), host.Erp.Entries().Select(e => e.ExternalDocumentNumber).Order());
        Assert.Equal(numbers.Count, (await host.PostedEventsAsync()).Count);
        Assert.Equal(0, host.Erp.Counters().GetValueOrDefault("journalEntries.duplicates"));
    }

    [Fact]
    public async Task Two_replicas_sending_at_once_post_each_journal_once()
    {
        await using var host = await ErpHost.StartAsync(servers);
        await using var replica = await host.StartReplicaAsync();
        // Slow, flaky posts: both replicas have postings in flight, some of them ambiguous.
        host.Faults(new ErpFaults { Only = "posts", LatencyMilliseconds = 100, DropResponseNext = 3, FailNext = 3, FailStatus = 503 });
        var numbers = Enumerable.Range(0, 12).Select(_ => Journals.Number()).ToList();

        await host.PublishAsync(Journals.Reconciled([.. numbers.Take(6).Select(n => Journals.Balanced(n))]));
        await host.PublishAsync(Journals.Reconciled([.. numbers.Skip(6).Select(n => Journals.Balanced(n))]));

        foreach (var number in numbers)
        {
            await JournalPostingTests.PostedOnceAsync(host, number, timeoutSeconds: 60);
        }

        Assert.Equal(numbers.Order(), host.Erp.Entries().Select(e => e.ExternalDocumentNumber).Order());
        Assert.Equal(3, host.Erp.Counters()["faults.dropped_responses"]);
    }

    [Fact]
    public async Task Events_taken_while_the_erp_is_down_are_posted_by_the_next_process()
    {
        await using var host = await ErpHost.StartAsync(servers);
        host.Faults(new ErpFaults { Down = true });
        var number = Journals.Number();
        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(number)));
        await Eventually.TrueAsync(async () => await host.ScalarAsync<int>("SELECT coalesce(max(attempts), 0) FROM postings") >= 1, "a failed attempt");

        await host.StopAdapterAsync();
        host.Faults(new ErpFaults());
        await host.StartAdapterAsync();

        await JournalPostingTests.PostedOnceAsync(host, number);
        Assert.Single(host.Erp.Entries());
    }
}
