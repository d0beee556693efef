using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>Business spans and counters of the submit path, and what its logs must never contain.</summary>
public sealed class ObservabilityTests(OrderHost host) : IClassFixture<OrderHost>
{
    [Fact]
    public async Task Submitting_is_traced_and_counted_by_channel_and_never_logs_the_address()
    {
        var channel = $"obs{Guid.NewGuid():N}"[..12];
        var measurements = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        var meter = host.App.App.Services.GetRequiredService<ServiceTelemetry>().Meter;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source == host.App.App.Services.GetRequiredService<ServiceTelemetry>().ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);

        using var partner = host.Partner("observed", channel);
        var body = OrderBodies.Valid();
        body["shipTo"]!["line1"] = "742 Evergreen Terrace";
        body["shipTo"]!["name"] = "Marge Example";
        var order = await partner.SubmitOkAsync(body);
        await partner.SubmitOkAsync(body);
        body["lines"]![0]!["quantity"] = 0;
        using var refused = await partner.SubmitAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        long Count(string instrument, string? tag = null, string? value = null) => measurements
            .Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault("channel"), channel))
            .Where(m => tag is null || Equals(m.Tags.GetValueOrDefault(tag), value))
            .Sum(m => m.Value);
        Assert.Equal(3, Count("orders.submitted"));
        Assert.Equal(1, Count("orders.created"));
        Assert.Equal(1, Count("orders.duplicate"));
        Assert.Equal(1, Count("orders.rejected", "code", "invalid_quantity"));
        Assert.Equal(1, Count("orders.transitions", "status", "received"));

        var submits = spans.Where(s => s.OperationName == "orders.submit" && (string?)s.GetTagItem("order.channel") == channel).ToList();
        Assert.Equal(3, submits.Count);
        Assert.Contains(submits, s => (string?)s.GetTagItem("order.id") == order.OrderId().ToString());
        Assert.Contains(submits, s => s.Status == ActivityStatusCode.Error && s.StatusDescription == "invalid_quantity");

        var messages = host.Logs.Entries.Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains(order.OrderId().ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("Evergreen", StringComparison.Ordinal) || m.Contains("Marge", StringComparison.Ordinal));

        // A resubmission takes the fallback path after a unique violation; that is expected, not an error.
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Npgsql", StringComparison.Ordinal));
    }
}
