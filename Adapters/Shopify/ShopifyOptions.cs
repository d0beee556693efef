namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>Settings under <c>Shopify</c>. Secrets (the access token) come from configuration, never from code.</summary>
public sealed class ShopifyOptions
{
    public const string SectionName = "Shopify";

    /// <summary>The channel name on canonical orders and in availability events.</summary>
    public const string Channel = "shopify";

    /// <summary>The shop's partner id at the gateway: the <c>partner</c> tag of the outbound metrics and the key of its SLA thresholds.</summary>
    public string PartnerId { get; set; } = "shopify";

    /// <summary>The shop's Admin API root: <c>https://{shop}.myshopify.com/</c>; locally the sandbox's <c>http://sandbox/shopify/</c>.</summary>
    public Uri AdminBaseUrl { get; set; } = new("http://sandbox/shopify/");

    public string ApiVersion { get; set; } = "2025-04";

    public string AccessToken { get; set; } = string.Empty;

    /// <summary>The order service's gRPC endpoint (service discovery picks its HTTP/2 port).</summary>
    public Uri OrdersAddress { get; set; } = new("http://_grpc.orderservice");

    /// <summary>Bodies above this are refused (413) and kept only as a prefix for operators.</summary>
    public int MaxWebhookBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Bytes of a refused body kept for operators.</summary>
    public int MaxStoredRejectedBytes { get; set; } = 64 * 1024;

    /// <summary>Lines whose SKU is not in the SKU map go to the exceptions list instead of to the order service.</summary>
    public bool RequireKnownSku { get; set; } = true;

    /// <summary>The Shopify location quantities are set at when a SKU map entry names none.</summary>
    public long? DefaultLocationId { get; set; }

    /// <summary>How often the SKU map is refreshed from the shop's products; zero turns the sync off.</summary>
    public TimeSpan SkuMapSyncInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A push is taken as the cause of an inventory_levels/update with the same quantity within this window.</summary>
    public TimeSpan EchoWindow { get; set; } = TimeSpan.FromMinutes(10);

    public WorkerOptions Webhooks { get; set; } = new() { Concurrency = 8 };

    public WorkerOptions Outbound { get; set; } = new() { MaxBackoff = TimeSpan.FromSeconds(30) };

    public HttpOptions Http { get; set; } = new();

    public sealed class WorkerOptions
    {
        /// <summary>Polling for due rows written by other replicas or left by a crash; local writes wake the worker at once.</summary>
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

        public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

        public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>Workers taking rows side by side (webhook deliveries; the outbound queue keeps to one, Shopify's call budget is the limit).</summary>
        public int Concurrency { get; set; } = 1;

        /// <summary>Finished rows are kept this long (dedupe and forensics; Shopify retries for at most 48 hours), then deleted.</summary>
        public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);
    }

    public sealed class HttpOptions
    {
        public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

        public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

        public int MaxRetries { get; set; } = 4;

        /// <summary>Shopify's REST leak rate: 2 calls per second on standard plans, 20 on Plus.</summary>
        public double LeakPerSecond { get; set; } = 2;

        /// <summary>Calls kept free in Shopify's bucket, so other apps of the shop are not starved by us.</summary>
        public int BucketHeadroom { get; set; } = 2;
    }
}
