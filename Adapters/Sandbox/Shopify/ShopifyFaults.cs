namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// Faults the simulated shop injects: on its Admin API (latency, 429 bursts, 5xx, hanging calls, a full outage)
/// and on its webhooks (duplicate and out-of-order deliveries). Set in configuration, or replaced at run time
/// through <c>PUT /shopify/sandbox/faults</c>.
/// </summary>
public sealed record ShopifyFaults
{
    public int LatencyMilliseconds { get; init; }

    public int LatencyJitterMilliseconds { get; init; }

    /// <summary>Every this many API calls a burst of 429s starts (zero: never).</summary>
    public int Throttle429Every { get; init; }

    /// <summary>Calls answered 429 in each burst.</summary>
    public int Throttle429Burst { get; init; } = 3;

    /// <summary>Retry-After sent with forced 429s, in seconds (Shopify sends "2.0").</summary>
    public double RetryAfterSeconds { get; init; } = 2.0;

    /// <summary>Share of API calls answered 500-504.</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>Share of API calls that hang for <see cref="TimeoutSeconds"/> before a 504.</summary>
    public double TimeoutRate { get; init; }

    public double TimeoutSeconds { get; init; } = 30;

    /// <summary>Every API call answers 503: the shop is down.</summary>
    public bool Outage { get; init; }

    /// <summary>Share of webhooks delivered twice (same ids).</summary>
    public double DuplicateDeliveryRate { get; init; }

    /// <summary>Share of webhooks held back and delivered after the next one.</summary>
    public double OutOfOrderRate { get; init; }

    /// <summary>Send inventory_levels/update after a quantity set, as Shopify does.</summary>
    public bool EchoInventoryWebhooks { get; init; } = true;
}
