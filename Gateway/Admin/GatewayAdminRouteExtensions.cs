using Distribution.Aspire.ServiceDefaults.Security;

namespace Distribution.Aspire.Gateway.Admin;

public static class GatewayAdminRouteExtensions
{
    public const string AdminKeySetting = "Gateway:AdminKey";

    /// <summary>The gateway's <c>/admin</c> route group, checked against <c>Gateway:AdminKey</c>.</summary>
    public static RouteGroupBuilder MapGatewayAdminGroup(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapAdminGroup("/admin", AdminKeySetting);
}
