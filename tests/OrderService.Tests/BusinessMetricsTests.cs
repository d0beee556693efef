using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.OrderService.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>Release latency, order aging and the release SLA (docs/telemetry.md).</summary>
public sealed class BusinessMetricsTests(OrderHost host) : IClassFixture<OrderHost>
{
    private static readonly AllocatedLine[] Allocations = [new("1", "SKU-1", "WH-EAST", 1), new("2", "SKU-2", "WH-EAST", 2)];

    private RecordedMeasurements Listen() => RecordedMeasurements.Of(host.App.App.Services.GetRequiredService<ServiceTelemetry>().Meter);

    [Fact]
    public async Task Release_latency_is_recorded_per_channel_when_an_order_is_accepted()
    {
        var channel = $"rl{Guid.NewGuid():N}"[..12];
        using var measurements = Listen();
        using var partner = host.Partner("latency", channel);
        var order = await partner.SubmitOkAsync(OrderBodies.Valid());
        await BackdateAsync(order.OrderId(), TimeSpan.FromMinutes(5));

        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(order.OrderId(), Allocations, false, DateTimeOffset.UtcNow)));

        var latency = Assert.Single(measurements.Where("orders.release.latency", ("channel", channel)));
        Assert.Equal("latency", latency.Tag("partner"));
        // Measured from the stored arrival, not from when this process saw the order.
        Assert.InRange(latency.Value, 300, 600);
        Assert.Equal(0, measurements.Sum("sla.breaches", ("channel", channel)));
    }

    [Fact]
    public async Task An_order_slower_than_its_partner_SLA_raises_an_exception_and_counts_a_breach()
    {
        var channel = $"sla{Guid.NewGuid():N}"[..12];
        using var measurements = Listen();
        using var strict = host.Partner(OrderHost.StrictPartner, channel);
        using var relaxed = host.Partner("sla-relaxed", channel);
        var late = await strict.SubmitOkAsync(OrderBodies.Valid());
        var onTime = await relaxed.SubmitOkAsync(OrderBodies.Valid());
        await BackdateAsync(late.OrderId(), TimeSpan.FromMinutes(5));
        await BackdateAsync(onTime.OrderId(), TimeSpan.FromMinutes(5));

        var reserved = await host.PublishAsync(new InventoryReserved(late.OrderId(), Allocations, false, DateTimeOffset.UtcNow));
        await host.WaitHandledAsync(reserved);
        await host.WaitHandledAsync(await host.PublishAsync(new InventoryReserved(onTime.OrderId(), Allocations, false, DateTimeOffset.UtcNow)));

        var breach = Assert.Single(measurements.Where("sla.breaches", ("channel", channel)));
        Assert.Equal(OrderHost.StrictPartner, breach.Tag("partner"));
        Assert.Equal("release_latency", breach.Tag("sla"));
        using var admin = host.Admin();
        var list = await admin.GetFromJsonAsync<JsonObject>("/admin/sla-breaches?limit=500");
        var raised = list!["breaches"]!.AsArray().Where(b => b!["channel"]!.GetValue<string>() == channel).ToList();
        var item = Assert.Single(raised);
        Assert.Equal(late.OrderId().ToString(), item!["orderId"]!.GetValue<string>());
        Assert.Equal(late.OrderId().ToString(), item["subject"]!.GetValue<string>());
        Assert.Equal(OrderHost.StrictPartner, item["partnerId"]!.GetValue<string>());
        Assert.Equal("release_latency", item["sla"]!.GetValue<string>());
        Assert.Equal(60, item["thresholdSeconds"]!.GetValue<double>());
        Assert.True(item["measuredSeconds"]!.GetValue<double>() >= 300);
    }

    [Fact]
    public async Task The_breach_list_is_for_operators_only()
    {
        using var anonymous = host.App.CreateClient();
        using var response = await anonymous.GetAsync("/admin/sla-breaches");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Open_orders_and_the_oldest_age_are_sampled_per_status_and_channel()
    {
        var channel = $"age{Guid.NewGuid():N}"[..12];
        using var measurements = Listen();
        using var partner = host.Partner("aging", channel);
        var old = await partner.SubmitOkAsync(OrderBodies.Valid());
        await partner.SubmitOkAsync(OrderBodies.Valid());
        await BackdateAsync(old.OrderId(), TimeSpan.FromHours(2));

        await host.App.App.Services.GetRequiredService<OrderAgingSampler>().SampleAsync(CancellationToken.None);

        var open = Assert.Single(measurements.Observe("orders.open", ("channel", channel)));
        Assert.Equal("received", open.Tag("status"));
        Assert.Equal(2, open.Value);
        var age = Assert.Single(measurements.Observe("orders.oldest_age", ("channel", channel), ("status", "received")));
        Assert.InRange(age.Value, 7200, 7800);
    }

    private async Task BackdateAsync(Guid orderId, TimeSpan by)
    {
        await using var command = host.Database.CreateCommand("UPDATE orders SET created_at = created_at - @by WHERE order_id = @id");
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("id", orderId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
