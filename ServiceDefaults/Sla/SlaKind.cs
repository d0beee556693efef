namespace Distribution.Aspire.ServiceDefaults.Sla;

/// <summary>The service levels measured per partner; <c>Tag()</c> is the <c>sla</c> tag of <c>sla.breaches</c>.</summary>
public enum SlaKind
{
    /// <summary>Order received → accepted (<c>ReleaseLatencySeconds</c>).</summary>
    ReleaseLatency,

    /// <summary>Shipment requested → shipped milestone (<c>ShipHours</c>).</summary>
    Ship,

    /// <summary>Availability changed → channel acknowledged the quantity (<c>SyncFreshnessSeconds</c>).</summary>
    SyncFreshness,

    /// <summary>Oldest message waiting in an adapter's outbound queue (<c>OutboundAgeMinutes</c>).</summary>
    OutboundAge,
}

public static class SlaKinds
{
    public static string Tag(this SlaKind kind) => kind switch
    {
        SlaKind.ReleaseLatency => "release_latency",
        SlaKind.Ship => "ship",
        SlaKind.SyncFreshness => "sync_freshness",
        _ => "outbound_age",
    };

    /// <summary>The configuration key under <c>Sla:Partners:&lt;partnerId|default&gt;</c>.</summary>
    public static string Setting(this SlaKind kind) => kind switch
    {
        SlaKind.ReleaseLatency => "ReleaseLatencySeconds",
        SlaKind.Ship => "ShipHours",
        SlaKind.SyncFreshness => "SyncFreshnessSeconds",
        _ => "OutboundAgeMinutes",
    };

    public static TimeSpan FromSetting(this SlaKind kind, double value) => kind switch
    {
        SlaKind.Ship => TimeSpan.FromHours(value),
        SlaKind.OutboundAge => TimeSpan.FromMinutes(value),
        _ => TimeSpan.FromSeconds(value),
    };

    /// <summary>What applies when neither the partner nor <c>default</c> configures the kind.</summary>
    public static TimeSpan BuiltInDefault(this SlaKind kind) => kind switch
    {
        SlaKind.ReleaseLatency => TimeSpan.FromMinutes(15),
        SlaKind.Ship => TimeSpan.FromHours(48),
        SlaKind.SyncFreshness => TimeSpan.FromMinutes(15),
        _ => TimeSpan.FromMinutes(30),
    };
}
