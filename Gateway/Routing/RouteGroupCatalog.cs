using System.Collections.Frozen;
using System.Net;
using Distribution.Aspire.Gateway.Partners;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Distribution.Aspire.Gateway.Routing;

/// <summary>
/// The partner-facing surface of ARCHITECTURE.md as route groups, and the YARP routes and clusters built from
/// them. Destinations are service-discovery names (<c>http://orderservice</c> resolves to the service's
/// <c>http</c> endpoint). Anything not listed here answers 404.
/// </summary>
public sealed class RouteGroupCatalog
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private static readonly string[] Json = ["application/json"];

    private readonly FrozenDictionary<string, RouteGroup> _byRouteId;

    public RouteGroupCatalog(IOptions<GatewayOptions> options)
    {
        var gateway = options.Value;
        List<RouteGroup> groups =
        [
            Group(gateway, "orders", ["/v1/orders/{**rest}"], "orderservice", AuthScheme.ApiKey, PartnerScopes.Orders, 256 * KiB, Json, 15),
            Group(gateway, "inventory", ["/v1/inventory/{**rest}"], "inventoryservice", AuthScheme.ApiKey, PartnerScopes.Inventory, 256 * KiB, Json, 15),
            Group(gateway, "shopify", ["/partners/shopify/{**rest}"], "shopify-adapter", AuthScheme.ShopifyHmac, PartnerScopes.Shopify, 5 * MiB, Json, 30),
            Group(gateway, "amazon", ["/partners/amazon/{**rest}"], "amazon-adapter", AuthScheme.ApiKey, PartnerScopes.Amazon, 16 * MiB,
                ["application/json", "text/tab-separated-values", "text/plain", "application/octet-stream"], 60),
            // Settlement reports go to the settlement service itself; a literal path outranks the group's catch-all.
            Group(gateway, "amazon-settlements", ["/partners/amazon/settlements"], "settlementservice", AuthScheme.ApiKey, PartnerScopes.Amazon, 16 * MiB,
                ["text/tab-separated-values", "text/plain", "application/octet-stream"], 120, auditName: "amazon"),
            Group(gateway, "3pl", ["/partners/3pl/{**rest}"], "threepl-adapter", AuthScheme.ApiKeyAndSignature, PartnerScopes.ThreePL, 5 * MiB,
                ["application/json", "application/edi-x12", "text/plain", "application/octet-stream"], 30),
            Group(gateway, "ops", ["/ops/{**rest}"], "operations", AuthScheme.Destination, PartnerScopes.None, 64 * KiB,
                ["application/x-www-form-urlencoded", "application/json"], 30),
            Group(gateway, "admin-inventory", ["/admin/inventory/{**rest}", "/admin/locations/{**rest}"], "inventoryservice", AuthScheme.AdminKey, PartnerScopes.None, MiB, Json, 30, auditName: "admin"),
        ];

        // Each service's own admin API (dead letters and replay, …) at /admin/<service>/…, forwarded as /admin/….
        groups.AddRange(gateway.Backends.Distinct(StringComparer.Ordinal).Select(backend =>
            Group(gateway, $"admin-{backend}", [$"/admin/{backend}/{{**rest}}"], backend, AuthScheme.AdminKey, PartnerScopes.None, MiB, Json, 30,
                auditName: "admin", pathPattern: "/admin/{**rest}")));

        Groups = groups;
        Routes = [.. groups.SelectMany(group => group.Paths.Select((path, index) => new RouteConfig
        {
            RouteId = $"{group.Name}/{index}",
            ClusterId = group.Name,
            Match = new RouteMatch { Path = path },
            Transforms = group.PathPattern is null ? null : [new Dictionary<string, string> { ["PathPattern"] = group.PathPattern }],
        }))];
        Clusters = [.. groups.Select(group => new ClusterConfig
        {
            ClusterId = group.Name,
            Destinations = new Dictionary<string, DestinationConfig> { ["destination"] = new() { Address = $"http://{group.Destination}" } },
            HttpRequest = new ForwarderRequestConfig
            {
                ActivityTimeout = group.Timeout,
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            },
        })];
        _byRouteId = Routes.ToFrozenDictionary(route => route.RouteId, route => groups.Single(g => g.Name == route.ClusterId), StringComparer.Ordinal);
    }

    public IReadOnlyList<RouteGroup> Groups { get; }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    public RouteGroup ForRoute(string routeId) => _byRouteId[routeId];

    private static RouteGroup Group(
        GatewayOptions gateway, string name, string[] paths, string destination, AuthScheme auth, PartnerScopes scope, long maxBody,
        string[] contentTypes, double timeoutSeconds, string? auditName = null, string? pathPattern = null)
    {
        var configured = gateway.Routes.GetValueOrDefault(name) ?? new RouteGroupOptions();
        return new RouteGroup
        {
            Name = name,
            AuditName = auditName ?? name,
            Paths = paths,
            Destination = configured.Destination ?? destination,
            Auth = auth,
            Scope = scope,
            MaxBodyBytes = configured.MaxBodyBytes ?? maxBody,
            ContentTypes = contentTypes,
            Timeout = TimeSpan.FromSeconds(configured.TimeoutSeconds ?? timeoutSeconds),
            PathPattern = pathPattern,
            Deprecation = configured.Deprecation,
            Sunset = configured.Sunset,
            Link = configured.Link,
        };
    }
}
