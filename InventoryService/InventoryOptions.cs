namespace Distribution.Aspire.InventoryService;

/// <summary>The <c>Inventory</c> configuration section.</summary>
public sealed class InventoryOptions
{
    public const string SectionName = "Inventory";

    /// <summary>How often dirty SKUs are published: every change within one window becomes one event per SKU.</summary>
    public int AvailabilityPublishIntervalMilliseconds { get; set; } = 150;

    public int AvailabilityPublishBatchSize { get; set; } = 500;

    /// <summary>Longest a cached availability may live; bounds staleness when an invalidation is lost.</summary>
    public int CacheTtlSeconds { get; set; } = 5;

    /// <summary>Prefix of the Redis cache keys, so environments (and test runs) can share a Redis.</summary>
    public string CacheKeyPrefix { get; set; } = string.Empty;

    /// <summary>How often the backorder filler looks for marks written by other replicas or by event handlers.</summary>
    public int BackorderPollMilliseconds { get; set; } = 100;

    /// <summary>How often every SKU with backorders and stock is retried, in case a wake-up was missed.</summary>
    public int BackorderSweepSeconds { get; set; } = 5;

    /// <summary>Channels every availability event lists, besides those with an allocation row for the SKU.</summary>
    public string[] Channels { get; set; } = ["amazon", "shopify", "b2b"];
}
