using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>Posting and syncing leave spans and metrics tagged by document kind; no secret or token reaches a log line.</summary>
public sealed class ObservabilityTests(TestServers servers)
{
    [Fact]
    public async Task Postings_are_traced_and_counted_by_kind_and_secrets_never_reach_the_logs()
    {
        var logs = new RecordingLoggerProvider();
        using var spans = new RecordedSpans("erp.");
        using var measurements = RecordedMeasurements.Named("erp.");

        await using var host = await ErpHost.StartAsync(servers, withInventory: true,
            adapter: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
            configureAdapter: builder => builder.Logging.AddProvider(logs));
        host.Faults(new ErpFaults { Only = "posts", FailNext = 1 });
        var (good, bad) = (Journals.Number(), Journals.Number());

        await host.PublishAsync(Journals.Reconciled(Journals.Balanced(good), Journals.Unbalanced(bad)));
        await JournalPostingTests.PostedOnceAsync(host, good);
        await Eventually.TrueAsync(async () => (await host.RejectedEventsAsync()).Count == 1, "the unbalanced journal rejected");
        using var admin = host.AdminClient();
        using var sync = await admin.PostAsync("/admin/erp/items:sync", null);
        sync.EnsureSuccessStatusCode();
        measurements.ObserveAll();

        foreach (var name in new[] { "erp.posting.enqueue", "erp.posting.send", "erp.posting.lookup", "erp.items.sync", "erp.items.page" })
        {
            Assert.Contains(spans.All, s => s.OperationName == name && (string?)s.GetTagItem("partner") == "erp");
        }

        Assert.Contains(spans.All, s => s.OperationName == "erp.posting.send" && (string?)s.GetTagItem("erp.document.kind") == "journal" && (string?)s.GetTagItem("erp.outcome") == "rejected");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.postings" && (string?)m.Tags["kind"] == "journal" && (string?)m.Tags["outcome"] == "posted");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.postings" && (string?)m.Tags["kind"] == "journal" && (string?)m.Tags["outcome"] == "rejected");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.postings.retries" && (string?)m.Tags["kind"] == "journal" && (string?)m.Tags["reason"] == "server_error");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.postings.enqueued" && (string?)m.Tags["kind"] == "journal");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.queue.depth" && (string?)m.Tags["kind"] == "journal");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.queue.oldest_age" && (string?)m.Tags["kind"] == "sales_shipment");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.items.synced" && (string?)m.Tags["outcome"] == "created");
        Assert.Contains(measurements.All, m => m.Instrument == "erp.calls" && (string?)m.Tags["operation"] == "post.journal");

        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(ErpHost.ClientSecret, StringComparison.Ordinal) || e.Message.Contains("Bearer ", StringComparison.Ordinal));
    }
}
