using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
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
        var spans = new ConcurrentQueue<Activity>();
        var measurements = new ConcurrentQueue<(string Instrument, Dictionary<string, object?> Tags)>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName.StartsWith("erp.", StringComparison.Ordinal))
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(activityListener);
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name.StartsWith("erp.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, Tags(tags))));
        meterListener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => measurements.Enqueue((instrument.Name, Tags(tags))));
        meterListener.Start();

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
        meterListener.RecordObservableInstruments();

        foreach (var name in new[] { "erp.posting.enqueue", "erp.posting.send", "erp.posting.lookup", "erp.items.sync", "erp.items.page" })
        {
            Assert.Contains(spans, s => s.OperationName == name && (string?)s.GetTagItem("partner") == "erp");
        }

        Assert.Contains(spans, s => s.OperationName == "erp.posting.send" && (string?)s.GetTagItem("erp.document.kind") == "journal" && (string?)s.GetTagItem("erp.outcome") == "rejected");
        Assert.Contains(measurements, m => m.Instrument == "erp.postings" && (string?)m.Tags["kind"] == "journal" && (string?)m.Tags["outcome"] == "posted");
        Assert.Contains(measurements, m => m.Instrument == "erp.postings" && (string?)m.Tags["kind"] == "journal" && (string?)m.Tags["outcome"] == "rejected");
        Assert.Contains(measurements, m => m.Instrument == "erp.postings.retries" && (string?)m.Tags["kind"] == "journal" && (string?)m.Tags["reason"] == "server_error");
        Assert.Contains(measurements, m => m.Instrument == "erp.postings.enqueued" && (string?)m.Tags["kind"] == "journal");
        Assert.Contains(measurements, m => m.Instrument == "erp.queue.depth" && (string?)m.Tags["kind"] == "journal");
        Assert.Contains(measurements, m => m.Instrument == "erp.queue.oldest_age" && (string?)m.Tags["kind"] == "sales_shipment");
        Assert.Contains(measurements, m => m.Instrument == "erp.items.synced" && (string?)m.Tags["outcome"] == "created");
        Assert.Contains(measurements, m => m.Instrument == "erp.calls" && (string?)m.Tags["operation"] == "post.journal");

        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(ErpHost.ClientSecret, StringComparison.Ordinal) || e.Message.Contains("Bearer ", StringComparison.Ordinal));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var values = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            values[key] = value;
        }

        return values;
    }
}
