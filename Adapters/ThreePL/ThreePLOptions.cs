namespace Distribution.Aspire.Adapters.ThreePL;

/// <summary>The <c>ThreePL</c> configuration section: who we are in X12, where Fulfillment/Inventory are, and each partner.</summary>
public sealed class ThreePLOptions
{
    public const string SectionName = "ThreePL";

    /// <summary>Our ISA06/GS02 when we send, and the ISA08 partners must address.</summary>
    public string InterchangeId { get; set; } = "DISTASPIRE";

    public string InterchangeQualifier { get; set; } = "ZZ";

    public string FulfillmentAddress { get; set; } = "http://_grpc.fulfillmentservice";

    public string InventoryAddress { get; set; } = "http://_grpc.inventoryservice";

    /// <summary>Partner profiles by the partner id the gateway stamps (<c>X-Partner-Id</c>) and Fulfillment names.</summary>
    public Dictionary<string, PartnerProfile> Partners { get; set; } = new(StringComparer.Ordinal);

    public int ApplyPollMilliseconds { get; set; } = 250;

    public int OutboundPollMilliseconds { get; set; } = 250;

    /// <summary>Back-off of the durable queues: first retry after this, doubling up to <see cref="RetryMaxSeconds"/>.</summary>
    public int RetryBaseMilliseconds { get; set; } = 500;

    public int RetryMaxSeconds { get; set; } = 60;

    public int MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    public PartnerHttpOptions Http { get; set; } = new();

    public PartnerProfile? Find(string partnerId) => Partners.GetValueOrDefault(partnerId);
}

/// <summary>One 3PL: how it talks (X12 or JSON), its X12 identity, where our orders go, and which location is its stock.</summary>
public sealed class PartnerProfile
{
    /// <summary><c>x12</c> (940 out; 945/856/846/997 in) or <c>json</c> (JSON orders out); both send JSON events in.</summary>
    public string Format { get; set; } = "x12";

    /// <summary>The partner's ISA06 (and our ISA08 when we write to it).</summary>
    public string InterchangeId { get; set; } = string.Empty;

    public string InterchangeQualifier { get; set; } = "ZZ";

    /// <summary>Where 940 interchanges are POSTed (X12 partners).</summary>
    public string? EdiUrl { get; set; }

    /// <summary>Where JSON orders are POSTed (JSON partners); a cancel goes to <c>{OrdersUrl}/{reference}/cancel</c>.</summary>
    public string? OrdersUrl { get; set; }

    /// <summary>Sent as <c>X-Api-Key</c> with our outbound calls, when the partner wants one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The location whose stock the partner's 846s count when they name no warehouse we map.</summary>
    public string? DefaultLocation { get; set; }

    /// <summary>The partner's warehouse codes (846 N1*WH N1-04) to our location ids.</summary>
    public Dictionary<string, string> Locations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Marks our outbound interchanges as test data (ISA15 = T).</summary>
    public bool Test { get; set; }

    public bool IsX12 => string.Equals(Format, "x12", StringComparison.OrdinalIgnoreCase);

    /// <summary>The location an 846 counts: the mapped warehouse code, else the default; null when neither is known.</summary>
    public string? LocationFor(string? warehouseCode) =>
        warehouseCode is not null && Locations.TryGetValue(warehouseCode, out var mapped) ? mapped
        : warehouseCode is not null && Locations.Count > 0 ? null
        : DefaultLocation;
}

/// <summary>The resilience of outbound partner calls; the durable queue retries beyond these.</summary>
public sealed class PartnerHttpOptions
{
    public int AttemptTimeoutSeconds { get; set; } = 10;

    public int MaxRetryAttempts { get; set; } = 2;

    public int RetryBaseDelayMilliseconds { get; set; } = 200;

    public int CircuitBreakSeconds { get; set; } = 5;
}
