namespace Distribution.Aspire.Gateway.Routing;

/// <summary><c>Gateway:Routes:&lt;group&gt;</c>: what configuration may change about a route group.</summary>
public sealed class RouteGroupOptions
{
    /// <summary>Service-discovery name of the destination (e.g. <c>orderservice</c>).</summary>
    public string? Destination { get; set; }

    public long? MaxBodyBytes { get; set; }

    /// <summary>How long the destination may stay silent (no response bytes) before the caller gets 504.</summary>
    public double? TimeoutSeconds { get; set; }

    /// <summary>Value of the <c>Deprecation</c> response header (RFC 9745, e.g. <c>@1767225600</c>).</summary>
    public string? Deprecation { get; set; }

    /// <summary>Value of the <c>Sunset</c> response header (RFC 8594, an HTTP date).</summary>
    public string? Sunset { get; set; }

    /// <summary>Value of a <c>Link</c> header pointing partners to the successor or migration notes.</summary>
    public string? Link { get; set; }
}
