using System.Diagnostics;
using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.InventoryService;

/// <summary>Business spans and metrics of the inventory, on the service's own source and meter; tags stay low-cardinality.</summary>
public sealed class InventoryTelemetry
{
    public InventoryTelemetry(ServiceTelemetry service)
    {
        ActivitySource = service.ActivitySource;
        var meter = service.Meter;
        Reservations = meter.CreateCounter<long>("inventory.reservations", description: "Reservation decisions by channel and outcome (reserved, short, repeated)");
        ReservedUnits = meter.CreateCounter<long>("inventory.reserved_units", unit: "{unit}", description: "Units reserved, by channel");
        Releases = meter.CreateCounter<long>("inventory.releases", description: "Orders released (cancelled), by channel");
        Commits = meter.CreateCounter<long>("inventory.commits", description: "Shipments committed, by channel");
        Adjustments = meter.CreateCounter<long>("inventory.adjustments", description: "Stock adjustments and counts, by kind (delta, count, safety_stock) and location kind");
        BackorderFills = meter.CreateCounter<long>("inventory.backorders.filled", description: "Backorders reserved when stock arrived, by channel");
        AvailabilityEvents = meter.CreateCounter<long>("inventory.availability.published", description: "Availability events published (one per dirty SKU per window)");
        CacheReads = meter.CreateCounter<long>("inventory.availability.reads", description: "Availability reads by source (cache, database)");
        ItemsUpserted = meter.CreateCounter<long>("inventory.items.upserted", description: "Item-master entries received, by source and outcome (created, updated, unchanged, rejected)");
    }

    public ActivitySource ActivitySource { get; }

    public Counter<long> Reservations { get; }

    public Counter<long> ReservedUnits { get; }

    public Counter<long> Releases { get; }

    public Counter<long> Commits { get; }

    public Counter<long> Adjustments { get; }

    public Counter<long> BackorderFills { get; }

    public Counter<long> AvailabilityEvents { get; }

    public Counter<long> CacheReads { get; }

    public Counter<long> ItemsUpserted { get; }

    public Activity? Start(string name, string? channel = null)
    {
        var activity = ActivitySource.StartActivity(name);
        if (channel is not null)
        {
            activity?.SetTag("inventory.channel", channel);
        }

        return activity;
    }
}
