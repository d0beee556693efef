using Distribution.Aspire.Gateway.Authentication;
using Distribution.Aspire.Gateway.Partners;

namespace Distribution.Aspire.Gateway.Routing;

/// <summary>What the policy middleware learned about a request, for the header transform and the audit record.</summary>
public sealed class GatewayRequestFeature(RouteGroup group)
{
    public RouteGroup Group { get; } = group;

    public Partner? Partner { get; set; }

    public long RequestBytes { get; set; }

    /// <summary>The signature this request used up, to give back if the request does not reach its destination.</summary>
    public SignatureClaim? SignatureClaim { get; set; }

    /// <summary>The problem code when the gateway itself refused the request (not set for a destination's own answers).</summary>
    public string? RefusalCode { get; set; }
}
