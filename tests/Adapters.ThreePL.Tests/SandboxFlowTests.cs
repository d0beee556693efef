using Distribution.Aspire.Contracts.Fulfillment.V1;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>The adapter and the sandbox 3PL together: order out, 997, 945 + 856, tracking and 846 back, with faults.</summary>
public sealed class SandboxFlowTests(TestServers servers)
{
    [Fact]
    public async Task An_order_goes_out_as_a_940_and_comes_back_as_997_945_856_and_tracking_events()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true);
        var request = Shipments.Requested();

        await host.PublishAsync(request);

        var shipmentId = request.ShipmentId.ToString();
        await Eventually.TrueAsync(() => host.Recorded.Milestones.Any(m => m.Milestone == Milestone.Delivered), "delivered", timeoutSeconds: 30);
        Assert.Contains(host.Recorded.Acknowledgments, a => a.ShipmentId == shipmentId);
        var dispatch = Assert.Single(host.Recorded.Dispatches);
        var taken = host.SandboxState.Shipments.Values.Single();
        Assert.Equal((shipmentId, $"acme-3pl:{taken.ShipmentId}:{taken.Reference}", "UPSN", taken.TrackingNumber),
            (dispatch.ShipmentId, dispatch.DispatchId, dispatch.Packages[0].Carrier, dispatch.Packages[0].TrackingNumber));
        Assert.Equal([("1", 2), ("2", 1)], dispatch.Lines.Select(l => (l.LineId, l.Quantity)));
        Assert.Equal([Milestone.InTransit, Milestone.Delivered], host.Recorded.Milestones.Select(m => m.Milestone));
        Assert.Equal(2, await host.CountAsync("SELECT count(*) FROM inbound_work WHERE kind IN ('945', '856') AND status = 'applied'"));
    }

    [Fact]
    public async Task Duplicated_and_out_of_order_posts_are_applied_once_each_with_their_own_times()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true);
        host.SandboxState.Faults = new Sandbox.ThreePL.ThreePLFaults { Duplicates = true, OutOfOrder = true };

        await host.PublishAsync(Shipments.Requested());

        await Eventually.TrueAsync(() => host.Recorded.Milestones.Count >= 2, "both tracking events", timeoutSeconds: 30);
        await Task.Delay(800);
        Assert.Single(host.Recorded.Dispatches);
        Assert.Equal([Milestone.Delivered, Milestone.InTransit], host.Recorded.Milestones.Select(m => m.Milestone));
        var delivered = host.Recorded.Milestones.First().OccurredAt.ToDateTimeOffset();
        var inTransit = host.Recorded.Milestones.Last().OccurredAt.ToDateTimeOffset();
        Assert.True(delivered > inTransit, "the late in-transit event keeps its earlier time, so Fulfillment does not move the shipment back");
        Assert.Equal(2, await host.CountAsync("SELECT count(*) FROM inbound_documents WHERE format = 'x12' AND status = 'duplicate'"));
        Assert.Equal(2, await host.CountAsync("SELECT count(*) FROM inbound_documents WHERE format = 'json' AND status = 'duplicate'"));
    }

    [Fact]
    public async Task The_sandbox_846_sets_on_hand_at_the_3PL_location()
    {
        await using var host = await ThreePLHost.StartAsync(servers, withSandbox: true);
        using var sandbox = host.Sandbox!.CreateClient();

        using var stock = await sandbox.PutAsync("/sandbox/3pl/inventory", System.Net.Http.Json.JsonContent.Create(new Dictionary<string, int> { ["SKU-1"] = 12, ["SKU-2"] = 3 }));
        using var send = await sandbox.PostAsync("/sandbox/3pl/inventory:send", null);

        Assert.True(send.IsSuccessStatusCode);
        await Eventually.TrueAsync(() => host.Recorded.Counts.Count == 2, "two counts");
        Assert.Equal([("SKU-1", 12), ("SKU-2", 3)], host.Recorded.Counts.Select(c => (c.Sku, c.OnHand)));
        Assert.All(host.Recorded.Counts, c => Assert.Equal(ThreePLHost.Location, c.LocationId));
    }
}
