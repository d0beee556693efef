namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>Settings under <c>Sandbox:Shopify</c>: the simulated shop, its limits, the webhook target, the scenario and the faults.</summary>
public sealed class ShopifySandboxOptions
{
    public const string SectionName = "Sandbox:Shopify";

    public string ShopDomain { get; set; } = "distribution-sandbox.myshopify.com";

    /// <summary>The Admin API token the adapter must send (X-Shopify-Access-Token).</summary>
    public string AccessToken { get; set; } = "shpat_sandbox";

    /// <summary>The app's webhook secret: every delivery is signed with it (X-Shopify-Hmac-Sha256).</summary>
    public string WebhookSecret { get; set; } = "sandbox-webhook-secret";

    /// <summary>Where webhooks go: the gateway's <c>/partners/shopify/webhooks</c>. None: webhooks are only logged.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Extra headers on every delivery, for running the adapter without the gateway (e.g. X-Partner-Id).</summary>
    public Dictionary<string, string> WebhookHeaders { get; set; } = [];

    public string ApiVersion { get; set; } = "2025-04";

    public string Currency { get; set; } = "USD";

    public long LocationId { get; set; } = 70_000_000_001;

    /// <summary>The catalog: one product with one variant per SKU.</summary>
    public List<string> Skus { get; set; } = [.. Enumerable.Range(1, 10).Select(i => $"SKU-{i:D4}")];

    /// <summary>Unit price of every SKU in the catalog (decimal string).</summary>
    public string UnitPrice { get; set; } = "24.99";

    /// <summary>Shopify's REST leaky bucket: 40 calls, leaking 2 per second on standard plans.</summary>
    public BucketOptions Bucket { get; set; } = new();

    /// <summary>Shopify's GraphQL cost limit (its own, beside the REST bucket): 1000 points, restoring 50 per second on standard plans.</summary>
    public CostOptions GraphQl { get; set; } = new();

    public ScenarioOptions Scenario { get; set; } = new();

    public ShopifyFaults Faults { get; set; } = new();

    public sealed class BucketOptions
    {
        public int Size { get; set; } = 40;

        public double LeakPerSecond { get; set; } = 2;
    }

    public sealed class CostOptions
    {
        public double MaximumAvailable { get; set; } = 1000;

        public double RestoreRate { get; set; } = 50;
    }

    public sealed class ScenarioOptions
    {
        /// <summary>New orders per minute; zero keeps the driver idle (orders can still be made through the sandbox API).</summary>
        public double OrdersPerMinute { get; set; }

        public int MaxLinesPerOrder { get; set; } = 3;

        public int MaxQuantityPerLine { get; set; } = 3;

        /// <summary>Share of orders later updated (paid).</summary>
        public double UpdateRatio { get; set; } = 0.3;

        /// <summary>Share of orders later cancelled.</summary>
        public double CancelRatio { get; set; } = 0.05;

        public int? Seed { get; set; }
    }
}
