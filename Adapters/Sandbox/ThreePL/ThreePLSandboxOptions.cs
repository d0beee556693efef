namespace Distribution.Aspire.Adapters.Sandbox.ThreePL;

/// <summary>The <c>Sandbox:ThreePL</c> section: the simulated 3PL's identity, where it posts, its pace and its stock.</summary>
public sealed class ThreePLSandboxOptions
{
    public const string SectionName = "Sandbox:ThreePL";

    /// <summary>The 3PL's ISA06 and the ISA08 it addresses (the adapter's id).</summary>
    public string InterchangeId { get; set; } = "SANDBOX3PL";

    public string ReceiverId { get; set; } = "DISTASPIRE";

    /// <summary>The gateway the 3PL posts to: <c>{GatewayUrl}/partners/3pl/edi</c> and <c>/partners/3pl/events</c>.</summary>
    public string GatewayUrl { get; set; } = "http://localhost:5080";

    /// <summary>The partner's gateway API key (X-Api-Key); empty sends none.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>When set, every post carries <c>X-Signature: t=..,v1=hex(HMAC-SHA256(secret, t + "." + body))</c>.</summary>
    public string SigningSecret { get; set; } = string.Empty;

    /// <summary>Extra headers on every post (tests that skip the gateway stamp X-Partner-Id here).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The carrier's SCAC in X12 and its code in JSON.</summary>
    public string CarrierScac { get; set; } = "UPSN";

    public string CarrierCode { get; set; } = "ups";

    public string WarehouseCode { get; set; } = "SBX1";

    public double ShipAfterSeconds { get; set; } = 2;

    public double InTransitAfterSeconds { get; set; } = 4;

    public double DeliveredAfterSeconds { get; set; } = 6;

    /// <summary>X12 orders are answered with a 945 and, when this is set, an 856 for the same shipment.</summary>
    public bool SendShipNotice { get; set; } = true;

    /// <summary>Seconds between 846 inventory advices; 0 sends none unless asked.</summary>
    public double InventoryIntervalSeconds { get; set; }

    public Dictionary<string, int> Inventory { get; set; } = new(StringComparer.Ordinal);

    public double TickMilliseconds { get; set; } = 200;

    public ThreePLFaults Faults { get; set; } = new();
}

/// <summary>
/// Faults: on what the adapter sends us (latency, a down switch, the next N requests failing with 503 or timing out,
/// a random failure rate) and on what we send (duplicates, out-of-order tracking).
/// </summary>
public sealed class ThreePLFaults
{
    public int LatencyMilliseconds { get; set; }

    public bool Down { get; set; }

    public int FailNext { get; set; }

    public int TimeoutNext { get; set; }

    public double FailureRate { get; set; }

    /// <summary>Every document and event we post is posted twice.</summary>
    public bool Duplicates { get; set; }

    /// <summary>Delivered is posted before in transit.</summary>
    public bool OutOfOrder { get; set; }

    public ThreePLFaults Copy() => (ThreePLFaults)MemberwiseClone();
}
