using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.InventoryService.Tests;

public sealed class TelemetryTests(TestServers servers) : InventoryTestBase(servers)
{
    // A channel no other test uses, so parallel tests' spans and measurements are told apart.
    private const string Channel = "telemetry-probe";

    [Fact]
    public async Task Reserve_release_commit_and_backorder_fill_are_traced_and_counted_by_channel()
    {
        var spans = new ConcurrentBag<string>();
        var counted = new ConcurrentBag<string>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("inventory.channel") as string == Channel)
                {
                    spans.Add(activity.OperationName);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name.StartsWith("inventory.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "channel", Value: Channel })
                {
                    counted.Add(instrument.Name);
                }
            }
        });
        meters.Start();

        await Host.CreateLocationAsync("WH-1");
        await Host.AdjustAsync("SKU-A", "WH-1", 1);
        var shipped = Guid.NewGuid();
        var released = Guid.NewGuid();
        var waiting = Guid.NewGuid();
        await Host.Grpc.ReserveOrderAsync(Order(shipped, Channel, ("1", "SKU-A", 1)));
        await Host.Grpc.CommitShipmentAsync(new CommitShipmentRequest
        {
            OrderId = shipped.ToString(), ShipmentId = "S-1", Lines = { new CommittedLine { LineId = "1", Quantity = 1 } },
        });
        await Host.AdjustAsync("SKU-A", "WH-1", 1);
        await Host.Grpc.ReserveOrderAsync(Order(released, Channel, ("1", "SKU-A", 1)));
        await Host.Grpc.ReserveOrderAsync(Order(waiting, Channel, ("1", "SKU-A", 1)));
        await Host.Grpc.ReleaseOrderAsync(new ReleaseOrderRequest { OrderId = released.ToString() });
        await Eventually.ReachesAsync(() => Task.FromResult(spans.ToArray()), s => s.Contains("inventory backorder fill"), what: "the backorder fill span");

        Assert.Superset(new HashSet<string> { "inventory reserve", "inventory commit", "inventory release", "inventory backorder fill" }, spans.ToHashSet());
        Assert.Superset(new HashSet<string> { "inventory.reservations", "inventory.commits", "inventory.releases", "inventory.backorders.filled" }, counted.ToHashSet());
    }
}
