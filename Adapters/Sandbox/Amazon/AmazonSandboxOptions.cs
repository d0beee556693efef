namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>The simulated Amazon seller account (section <c>Sandbox:Amazon</c>).</summary>
public sealed class AmazonSandboxOptions
{
    public const string SectionName = "Sandbox:Amazon";

    public string SellerId { get; set; } = "A3SANDBOXSELLER";

    public string MarketplaceId { get; set; } = "ATVPDKIKX0DER";

    public string Currency { get; set; } = "USD";

    /// <summary>Enforce SP-API's published rate and burst per operation (429 with x-amzn-RateLimit-Limit).</summary>
    public bool EnforceRateLimits { get; set; } = true;

    public AmazonNotificationOptions Notifications { get; set; } = new();

    public AmazonScenarioOptions Scenario { get; set; } = new();

    public AmazonFaults Faults { get; set; } = new();
}

public sealed class AmazonNotificationOptions
{
    /// <summary>Where ORDER_CHANGE notifications go: the gateway's <c>/partners/amazon/notifications</c>. Empty: none are sent.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>The Amazon partner's API key at the gateway, sent as <c>X-Api-Key</c>.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary><c>bare</c> SP-API notification JSON, or <c>eventbridge</c> (the notification in an event's <c>detail</c>).</summary>
    public string Envelope { get; set; } = "bare";

    /// <summary>Extra headers on every delivery (e.g. when posting to the adapter directly, without the gateway).</summary>
    public Dictionary<string, string> Headers { get; set; } = [];
}

public sealed class AmazonScenarioOptions
{
    /// <summary>Orders the driver places per minute; 0 turns the driver off.</summary>
    public double OrdersPerMinute { get; set; }

    /// <summary>Share of orders fulfilled by Amazon (AFN/FBA); the rest are seller-fulfilled (MFN).</summary>
    public double AfnShare { get; set; } = 0.2;

    public List<string> Skus { get; set; } = ["SKU-1", "SKU-2", "SKU-3"];

    public int MaxQuantity { get; set; } = 3;

    public decimal UnitPrice { get; set; } = 19.99m;
}

/// <summary>Faults injected into the SP-API endpoints and the notification stream; changeable at run time.</summary>
public sealed class AmazonFaults
{
    public int LatencyMilliseconds { get; set; }

    /// <summary>The next N SP-API requests are throttled (429), as in a burst of throttling.</summary>
    public int ThrottleNextRequests { get; set; }

    /// <summary>Every SP-API request fails with 503 (an outage).</summary>
    public bool Unavailable { get; set; }

    /// <summary>Share of SP-API requests answered 500.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Share of SP-API requests that hang for <see cref="TimeoutMilliseconds"/> before answering 504.</summary>
    public double TimeoutRate { get; set; }

    public int TimeoutMilliseconds { get; set; } = 30_000;

    /// <summary>Share of notifications delivered twice.</summary>
    public double DuplicateNotificationRate { get; set; }

    /// <summary>Share of notifications held back and delivered after the next one.</summary>
    public double OutOfOrderNotificationRate { get; set; }

    /// <summary>Share of notifications never delivered (what the adapter's backup poll is for).</summary>
    public double DropNotificationRate { get; set; }
}
