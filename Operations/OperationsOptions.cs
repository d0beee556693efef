namespace Distribution.Aspire.Operations;

/// <summary><c>Operations:*</c>: where the console reads from, and the partners' SLA thresholds.</summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>The gateway whose admin API the console reads and acts through (service discovery name by default).</summary>
    public Uri GatewayAddress { get; set; } = new("http://gateway");

    /// <summary>The order service's gRPC endpoint (<c>_grpc.</c> picks its HTTP/2 endpoint through service discovery).</summary>
    public Uri OrdersAddress { get; set; } = new("http://_grpc.orderservice");

    public Uri FulfillmentAddress { get; set; } = new("http://_grpc.fulfillmentservice");

    /// <summary>How long one call to the gateway or a service may take before the page shows it as unreachable.</summary>
    public double BackendTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Lists that keep no open/closed status (Amazon exceptions, 3PL quarantine, refused settlement reports) count as
    /// open for this many days after they were raised.
    /// </summary>
    public double StatuslessExceptionDays { get; set; } = 7;

    /// <summary>Sign-in attempts allowed per client address and minute.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 20;

    /// <summary>How long a sign-in lasts without activity.</summary>
    public double SessionHours { get; set; } = 8;

    /// <summary>SLA thresholds by partner id; <c>default</c> applies to every partner for what its own entry leaves out.</summary>
    public Dictionary<string, SlaThresholds> Sla { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>What a partner's SLA allows; a threshold left out is not checked.</summary>
public sealed class SlaThresholds
{
    /// <summary>Error answers (4xx/5xx) the gateway gave the partner in the last hour.</summary>
    public int? MaxErrorsPerHour { get; set; }

    /// <summary>Open exceptions attributed to the partner.</summary>
    public int? MaxOpenExceptions { get; set; }

    /// <summary>Age of the partner's oldest open exception.</summary>
    public double? MaxExceptionAgeHours { get; set; }
}
