using System.Collections.Concurrent;
using System.Diagnostics;
using Distribution.Aspire.Messaging.DeadLetters;
using Distribution.Aspire.ServiceDefaults.Correlation;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Messaging.Tests;

/// <summary>What the backbone tells the dashboard: correlation across publish and consume, and the dead-letter backlog.</summary>
public sealed class TelemetryTests(TestServers servers) : IAsyncLifetime
{
    private readonly string _prefix = $"m{Guid.NewGuid():N}"[..12] + ":";
    private readonly List<WidgetHost> _hosts = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_consumers_span_carries_the_publishers_correlation_id()
    {
        var host = await StartAsync($"widgets-corr-{Guid.NewGuid():N}"[..24]);
        var correlationId = $"corr-{Guid.NewGuid():N}";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        // As a request handler would: the id of the partner's request is current when the event is published.
        CorrelationContext.Set(correlationId);
        await host.PublishAsync("w-corr", 1, 1);
        await Eventually.ReachesAsync(host.EffectsAsync, e => e.Count == 1, what: "the event handled");

        var consumed = await Eventually.ReachesAsync(
            () => Task.FromResult(spans.Where(s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem(CorrelationContext.TagName) == correlationId).ToList()),
            found => found.Count == 1,
            what: "the consumer span with the publisher's correlation id");
        Assert.StartsWith("process ", consumed[0].OperationName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_dead_letters_and_the_oldest_age_are_sampled_per_service_and_topic()
    {
        var service = $"widgets-dlq-{Guid.NewGuid():N}"[..24];
        var host = await StartAsync(service);
        host.Failures.Fail("w-dead");
        await host.PublishAsync("w-dead", 1, 2);
        await Eventually.ReachesAsync(() => host.CountAsync("SELECT count(*) FROM dead_letters WHERE status = 'pending'"), count => count == 2, what: "two dead letters");
        await using (var backdate = host.Database.CreateCommand("UPDATE dead_letters SET first_failed_at = first_failed_at - interval '10 minutes'"))
        {
            await backdate.ExecuteNonQueryAsync();
        }

        using var measurements = new RecordedMeasurements(meter => meter.Name == MessagingTelemetry.Name);
        await host.App.App.Services.GetRequiredService<DeadLetterSampler>().SampleAsync(CancellationToken.None);

        var pending = Assert.Single(measurements.Observe("messaging.dead_letters.pending", ("service", service)));
        Assert.Equal(2, pending.Value);
        Assert.NotNull(pending.Tag("topic"));
        var age = Assert.Single(measurements.Observe("messaging.dead_letters.oldest_age", ("service", service)));
        Assert.InRange(age.Value, 600, 900);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private async Task<WidgetHost> StartAsync(string subscription)
    {
        var host = await WidgetHost.StartAsync(await servers.CreateDatabaseAsync("widgets"), servers.RedisConnectionString, _prefix, subscription);
        _hosts.Add(host);
        return host;
    }
}
