using Distribution.Aspire.Adapters.Amazon.Outbound;
using Distribution.Aspire.Adapters.Sandbox.Amazon;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>Sync freshness, the outbound queue and SP-API 429s as the dashboard sees them (docs/telemetry.md).</summary>
public sealed class TelemetryTests(TestServers servers)
{
    private static readonly Dictionary<string, string?> Partner = new()
    {
        ["Amazon:PartnerId"] = AmazonHarness.PartnerId,
        ["Telemetry:SampleSeconds"] = "3600",
    };

    [Fact]
    public async Task Freshness_runs_from_the_oldest_change_Amazon_had_not_accepted_to_its_acceptance()
    {
        await using var harness = await AmazonHarness.StartAsync(servers, adapter: Partner);
        using var measurements = RecordedMeasurements.Of(harness.Adapter!.App.Services.GetRequiredService<ServiceTelemetry>().Meter);
        await harness.SetFaultsAsync(new AmazonFaults { Unavailable = true });

        await harness.PublishAsync(Availability("SKU-7", 5, 1, DateTimeOffset.UtcNow.AddMinutes(-10)));
        await harness.PublishAsync(Availability("SKU-7", 6, 2, DateTimeOffset.UtcNow));
        await Eventually.GetAsync(
            () => harness.ScalarAsync<long>("SELECT count(*) FROM quantity_updates WHERE sku = 'SKU-7' AND sequence = 2 AND last_error IS NOT NULL AND pending"),
            n => n == 1, "SKU-7 at its latest value, failing");
        await harness.Adapter.App.Services.GetRequiredService<AmazonOutboundSampler>().SampleAsync(CancellationToken.None);
        var depth = Assert.Single(measurements.Observe("adapter.outbound.depth", ("partner", AmazonHarness.PartnerId), ("kind", "quantity")));
        var age = Assert.Single(measurements.Observe("adapter.outbound.oldest_age", ("partner", AmazonHarness.PartnerId), ("kind", "quantity")));

        await harness.SetFaultsAsync(new AmazonFaults());
        await Eventually.WaitAsync(() => harness.SandboxState.Quantities.ContainsKey("SKU-7"), "the quantity after the outage");

        // The sandbox holds the quantity before the adapter has read Amazon's answer and recorded the acceptance.
        await Eventually.WaitAsync(
            () => measurements.Where("channel.sync.freshness", ("partner", AmazonHarness.PartnerId), ("channel", "amazon")).Count > 0,
            "the freshness of the accepted quantity");
        Assert.Equal(1, depth.Value);
        Assert.InRange(age.Value, 600, 900);
        var freshness = measurements.Where("channel.sync.freshness", ("partner", AmazonHarness.PartnerId), ("channel", "amazon"));
        Assert.NotEmpty(freshness);
        Assert.All(freshness, m => Assert.InRange(m.Value, 600, 900));
    }

    [Fact]
    public async Task Every_429_from_the_SP_API_is_counted_for_the_partner()
    {
        await using var harness = await AmazonHarness.StartAsync(
            servers, adapter: Partner, sandbox: new Dictionary<string, string?> { ["Sandbox:Amazon:Faults:ThrottleNextRequests"] = "4" });
        using var measurements = RecordedMeasurements.Of(harness.Adapter!.App.Services.GetRequiredService<ServiceTelemetry>().Meter);

        await harness.PlaceOrderAsync();
        await Eventually.GetAsync(() => Task.FromResult(harness.Orders.Submitted.FirstOrDefault()), s => s is not null, "SubmitOrder");

        Assert.Equal(4, harness.SandboxState.Calls.Values.Sum(c => c.Throttled));
        Assert.Equal(4, measurements.Sum("adapter.throttled.received", ("partner", AmazonHarness.PartnerId), ("channel", "amazon")));
    }

    private static InventoryAvailabilityChanged Availability(string sku, int amazon, long sequence, DateTimeOffset asOf) =>
        new(sku, amazon + 10, [new ChannelQuantity("amazon", amazon)], sequence, asOf);
}
