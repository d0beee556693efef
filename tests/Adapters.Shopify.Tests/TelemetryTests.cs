using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Sync freshness, the outbound queue, the circuit and 429s as the dashboard sees them (docs/telemetry.md).</summary>
public sealed class TelemetryTests(TestServers servers)
{
    private static readonly Dictionary<string, string?> Partner = new()
    {
        ["Shopify:PartnerId"] = ShopifyHost.PartnerId,
        [$"Sla:Partners:{ShopifyHost.PartnerId}:SyncFreshnessSeconds"] = "300",
        // Sampled by the test itself.
        ["Telemetry:SampleSeconds"] = "3600",
    };

    [Fact]
    public async Task Freshness_runs_from_the_oldest_coalesced_change_to_the_shops_acknowledgement_and_a_stale_sync_is_a_breach()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true, adapter: Partner);
        using var measurements = RecordedMeasurements.Of(rig.Adapter.App.App.Services.GetRequiredService<ServiceTelemetry>().Meter);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { Outage = true, EchoInventoryWebhooks = false });

        await rig.Adapter.PublishAsync(Availability("SKU-0002", 5, 1, DateTimeOffset.UtcNow.AddMinutes(-10)));
        await rig.Adapter.PublishAsync(Availability("SKU-0002", 7, 2, DateTimeOffset.UtcNow));
        await Eventually.ReachesAsync(
            () => rig.Adapter.ScalarAsync<int>("SELECT attempts FROM outbound_commands WHERE coalesce_key = 'inventory:SKU-0002'"), a => a > 0, what: "a failed send");
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT last_sequence FROM inventory_sync WHERE sku = 'SKU-0002'"), s => s == 2, what: "both changes handled");
        await rig.Adapter.App.App.Services.GetRequiredService<ShopifyOutboundSampler>().SampleAsync(CancellationToken.None);
        var depth = Assert.Single(measurements.Observe("adapter.outbound.depth", ("partner", ShopifyHost.PartnerId)));
        var age = Assert.Single(measurements.Observe("adapter.outbound.oldest_age", ("partner", ShopifyHost.PartnerId)));
        var circuit = Assert.Single(measurements.Observe("adapter.circuit.state", ("partner", ShopifyHost.PartnerId)));

        sandbox.Faults.Set(new ShopifyFaults { EchoInventoryWebhooks = false });
        await Eventually.ReachesAsync(sandbox.ToldAsync, t => t is [{ Available: 7 }], TimeSpan.FromSeconds(90), "the latest quantity to arrive");
        await Eventually.ReachesAsync(() => rig.Adapter.ScalarAsync<long>("SELECT count(*) FROM outbound_commands"), n => n == 0, what: "the queue to empty");

        Assert.Equal((1, "set_inventory", "shopify"), (depth.Value, depth.Tag("kind"), depth.Tag("channel")));
        Assert.InRange(age.Value, 600, 900);
        Assert.Equal((double)CircuitState.Open, circuit.Value);
        // Recorded just after the queue row goes, so the empty queue alone does not mean it is there yet.
        var freshness = await Eventually.ReachesAsync(
            () => Task.FromResult(measurements.Where("channel.sync.freshness", ("partner", ShopifyHost.PartnerId), ("channel", "shopify"))),
            m => m.Count > 0, what: "the freshness measurement");
        // The newer change replaced the quantity but not the time of the oldest one still unacknowledged.
        Assert.All(freshness, m => Assert.InRange(m.Value, 600, 900));
        await Eventually.ReachesAsync(
            () => Task.FromResult(measurements.Where("sla.breaches", ("partner", ShopifyHost.PartnerId), ("sla", "sync_freshness"))),
            m => m.Count > 0, what: "the breach to be counted");
        using var response = await rig.Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Get, "/admin/sla-breaches"));
        var breaches = (await response.Content.ReadFromJsonAsync<JsonObject>())!["breaches"]!.AsArray();
        var breach = Assert.Single(breaches);
        Assert.Equal(("sync_freshness", ShopifyHost.PartnerId, 300.0), (breach!["sla"]!.GetValue<string>(), breach["partnerId"]!.GetValue<string>(), breach["thresholdSeconds"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Every_429_the_shop_answers_is_counted_for_the_partner()
    {
        await using var rig = await AdapterRig.StartAsync(servers, withSandbox: true, adapter: Partner);
        using var measurements = RecordedMeasurements.Of(rig.Adapter.App.App.Services.GetRequiredService<ServiceTelemetry>().Meter);
        var sandbox = rig.Sandbox!;
        await rig.SkuMapFilledAsync();
        sandbox.Faults.Set(new ShopifyFaults { Throttle429Every = 2, Throttle429Burst = 1, RetryAfterSeconds = 0.2, EchoInventoryWebhooks = false });

        // One change at a time: quantities due together go out in one call, and the shop throttles by calls.
        for (var i = 1; i <= 6; i++)
        {
            await rig.Adapter.PublishAsync(Availability($"SKU-{i:D4}", 10 + i, 1, DateTimeOffset.UtcNow));
            await Eventually.ReachesAsync(sandbox.ToldAsync, t => t.Count == i, TimeSpan.FromSeconds(120), $"quantity {i}");
        }

        var given = sandbox.Calls.Snapshot().Where(c => c.Status == 429).Sum(c => c.Count);
        Assert.True(given > 0);
        Assert.Equal(given, measurements.Sum("adapter.throttled.received", ("partner", ShopifyHost.PartnerId), ("channel", "shopify")));
    }

    private static InventoryAvailabilityChanged Availability(string sku, int shopify, long sequence, DateTimeOffset asOf) =>
        AdapterRig.Availability(sku, shopify, sequence) with { AsOf = asOf };
}
