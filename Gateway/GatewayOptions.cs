namespace Distribution.Aspire.Gateway;

public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>The operators' credential for <c>/admin/…</c>; never a partner key. Unset means admin is closed.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Service-discovery names of the gRPC services behind the gateway (the AppHost passes them).</summary>
    public List<string> Backends { get; set; } = [];

    /// <summary>How long <c>GET /admin/services</c> waits for each backend; a cold service's first gRPC call can take seconds.</summary>
    public double BackendHealthTimeoutSeconds { get; set; } = 5;
}
