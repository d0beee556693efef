using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>Every step leaves a span and a metric tagged by partner; no address reaches a log line.</summary>
public sealed class ObservabilityTests(TestServers servers)
{
    [Fact]
    public async Task The_whole_loop_is_traced_and_counted_by_partner_and_never_logs_the_address()
    {
        var logs = new RecordingLoggerProvider();
        using var spans = new RecordedSpans("threepl.");
        using var measurements = RecordedMeasurements.Named("threepl.");

        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true, adapter: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
            configureAdapter: builder => builder.Logging.AddProvider(logs));
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { FailNext = 2 };
        var request = Shipments.Requested();

        await host.PublishAsync(request);
        await Eventually.TrueAsync(() => host.Recorded.Milestones.Any(m => m.Milestone == Milestone.Delivered && m.ShipmentId == request.ShipmentId.ToString()), "delivered", timeoutSeconds: 30);
        using var _ = await host.PostEdiAsync("not x12");

        foreach (var name in new[] { "threepl.order.queue", "threepl.outbound.send", "threepl.edi.receive", "threepl.json.receive", "threepl.apply" })
        {
            Assert.Contains(spans.All, s => s.OperationName == name && (string?)s.GetTagItem("partner") == ThreePLHost.X12Partner);
        }

        foreach (var name in new[] { "threepl.documents.received", "threepl.work.applied", "threepl.outbound.sent", "threepl.quarantined", "threepl.outbound.delay" })
        {
            Assert.Contains(measurements.All, m => m.Instrument == name && (string?)m.Tags["partner"] == ThreePLHost.X12Partner);
        }

        Assert.Contains(measurements.All, m => m.Instrument == "threepl.outbound.sent" && (string?)m.Tags["outcome"] == "retry");
        Assert.NotEmpty(logs.Entries);
        foreach (var secret in new[] { "Jane", "Main St", "Springfield", "62701", "Apt 4" })
        {
            Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
