using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.FulfillmentService.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>Shipment completeness against the ordering partner's ship SLA (default 48 h): counted, sampled, raised once.</summary>
public sealed class ShipSlaTests(FulfillmentHost host) : IClassFixture<FulfillmentHost>
{
    private RecordedMeasurements Listen() => RecordedMeasurements.Of(host.App.App.Services.GetRequiredService<ServiceTelemetry>().Meter);

    [Fact]
    public async Task Shipped_shipments_are_counted_within_or_past_their_partners_SLA_and_a_late_one_is_raised()
    {
        var channel = $"ship{Guid.NewGuid():N}"[..12];
        using var measurements = Listen();
        var onTime = await host.OneShipmentAsync(channel, ("1", 1, "10.00"));
        var late = await host.OneShipmentAsync(channel, ("1", 1, "10.00"));
        await BackdateAsync(late.ShipmentId, TimeSpan.FromHours(72));

        await host.Fulfillment.RecordDispatchAsync(Dispatch(onTime.ShipmentId, "945-a"));
        await host.Fulfillment.RecordDispatchAsync(Dispatch(late.ShipmentId, "945-b"));

        var shipped = measurements.Where("fulfillment.shipments.shipped", ("channel", channel));
        Assert.Equal(2, shipped.Count);
        Assert.Equal(["false", "true"], shipped.Select(m => m.Tag("within_sla")).Order(StringComparer.Ordinal));
        Assert.All(shipped, m => Assert.Equal($"{channel}-partner", m.Tag("partner")));
        Assert.Equal(1, measurements.Sum("sla.breaches", ("channel", channel), ("sla", "ship")));
        var breach = Assert.Single(await BreachesAsync(channel));
        Assert.Equal(late.ShipmentId, breach["subject"]!.GetValue<string>());
        Assert.Equal(late.OrderId, breach["orderId"]!.GetValue<string>());
        Assert.Equal(48 * 3600, breach["thresholdSeconds"]!.GetValue<double>());
    }

    [Fact]
    public async Task Overdue_shipments_are_sampled_per_partner_and_node_and_raised_once_while_waiting()
    {
        var channel = $"due{Guid.NewGuid():N}"[..12];
        using var measurements = Listen();
        var overdue = await host.OneShipmentAsync(channel, ("1", 1, "10.00"));
        await host.OneShipmentAsync(channel, ("1", 1, "10.00"));
        await BackdateAsync(overdue.ShipmentId, TimeSpan.FromHours(50));
        var sampler = host.App.App.Services.GetRequiredService<OverdueShipmentSampler>();

        await sampler.SampleAsync(CancellationToken.None);
        await sampler.SampleAsync(CancellationToken.None);

        var gauge = Assert.Single(measurements.Observe("fulfillment.shipments.overdue", ("channel", channel)));
        Assert.Equal(1, gauge.Value);
        Assert.Equal(($"{channel}-partner", "WH-WEST"), (gauge.Tag("partner"), gauge.Tag("node")));
        Assert.Equal(2, Assert.Single(measurements.Observe("fulfillment.shipments.open", ("channel", channel))).Value);
        var breach = Assert.Single(await BreachesAsync(channel));
        Assert.Equal(overdue.ShipmentId, breach["subject"]!.GetValue<string>());
        Assert.InRange(breach["measuredSeconds"]!.GetValue<double>(), 50 * 3600, 51 * 3600);

        // Shipping it late afterwards keeps the one breach already on the list.
        await host.Fulfillment.RecordDispatchAsync(Dispatch(overdue.ShipmentId, "945-late"));
        Assert.Single(await BreachesAsync(channel));
    }

    private async Task<List<JsonNode>> BreachesAsync(string channel)
    {
        using var admin = host.Admin();
        var list = await admin.GetFromJsonAsync<JsonObject>("/admin/sla-breaches?sla=ship&limit=500");
        return [.. list!["breaches"]!.AsArray().Where(b => b!["channel"]!.GetValue<string>() == channel).Select(b => b!)];
    }

    private async Task BackdateAsync(string shipmentId, TimeSpan by)
    {
        await using var command = host.Database.CreateCommand("UPDATE shipments SET created_at = created_at - @by WHERE shipment_id = @id");
        command.Parameters.AddWithValue("by", by);
        command.Parameters.AddWithValue("id", Guid.Parse(shipmentId));
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static FulfillmentProto.RecordDispatchRequest Dispatch(string shipmentId, string dispatchId)
    {
        var request = new FulfillmentProto.RecordDispatchRequest { ShipmentId = shipmentId, DispatchId = dispatchId, Source = "edi:945" };
        request.Lines.Add(new FulfillmentProto.DispatchedLine { LineId = "1", Quantity = 1 });
        return request;
    }
}
