using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.Contracts.Settlements.V1;
using Google.Protobuf.WellKnownTypes;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>Ingest, reconcile and post each have a span; counters are tagged by channel and outcome or result, never by id.</summary>
public sealed class ObservabilityTests(SettlementHost host) : IClassFixture<SettlementHost>
{
    // A channel of its own: listeners see the whole process, where other tests settle amazon and shopify.
    private const string Channel = "telemetry";

    [Fact]
    public async Task Every_step_has_a_span_and_a_counter_tagged_by_channel()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.OperationName.StartsWith("settlements.", StringComparison.Ordinal) && (string?)activity.GetTagItem("settlement.channel") == Channel)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Name.StartsWith("settlements.", StringComparison.Ordinal))
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();
        var request = new IngestSettlementRequest
        {
            Channel = Channel,
            PartnerId = "telemetry-partner",
            SettlementId = Guid.NewGuid().ToString("N"),
            PeriodStart = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
            PeriodEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch.AddDays(1)),
            Currency = "USD",
            TotalAmount = "-2.00",
            Lines = { new SettlementLine { TransactionType = "fee", AmountType = "Fee", AmountDescription = "Unexpected", Amount = "-2.00" } },
        };

        await host.Settlements.IngestSettlementAsync(request);
        await host.Settlements.IngestSettlementAsync(request);

        Assert.Equal(["settlements.ingest", "settlements.ingest", "settlements.post", "settlements.reconcile"], spans.Select(s => s.OperationName).Order(StringComparer.Ordinal));
        var ours = measurements.Where(m => (string?)m.Tags.GetValueOrDefault("channel") == Channel).ToList();
        Assert.Equal(["created", "duplicate"], ours.Where(m => m.Name == "settlements.ingested").Select(m => (string)m.Tags["outcome"]!).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["unexpected_charge", "unmapped_posting"],
            ours.Where(m => m.Name == "settlements.reconciliation.results").Select(m => (string)m.Tags["result"]!).Order(StringComparer.Ordinal));
        Assert.Contains(ours, m => m.Name == "settlements.reconciled" && (string?)m.Tags["status"] == "mismatch");
        Assert.All(measurements, m => Assert.DoesNotContain(m.Tags.Keys, key => key.Contains("id", StringComparison.Ordinal)));
    }
}
