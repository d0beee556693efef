using Distribution.Aspire.Gateway.RateLimiting;
using Distribution.Aspire.Gateway.Routing;

namespace Distribution.Aspire.Gateway;

public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The operators' credential for <c>/admin/…</c>; never a partner key. Unset means admin is closed.</summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// The key the gateway presents to services' own admin APIs (their <c>Admin:Key</c>) when it passes an
    /// operator's call through; the caller's <c>X-Admin-Key</c> is never forwarded.
    /// </summary>
    public string? ServiceAdminKey { get; set; }

    /// <summary>AES-256 key (32 bytes, base64) that encrypts partners' webhook secrets at rest.</summary>
    public string? SecretsKey { get; set; }

    /// <summary>Service-discovery names of the services behind the gateway (the AppHost passes them).</summary>
    public List<string> Backends { get; set; } = [];

    /// <summary>How long <c>GET /admin/services</c> waits for each backend; a cold service's first gRPC call can take seconds.</summary>
    public double BackendHealthTimeoutSeconds { get; set; } = 5;

    /// <summary>How long a replica trusts its cached copy of a partner without asking the registry again.</summary>
    public double PartnerCacheSeconds { get; set; } = 5;

    /// <summary>Per route group overrides (destination, body limit, timeout, deprecation), keyed by group name.</summary>
    public Dictionary<string, RouteGroupOptions> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Whether every partner request is written to the audit log (metrics are always recorded).</summary>
    public bool AuditLog { get; set; } = true;
}
