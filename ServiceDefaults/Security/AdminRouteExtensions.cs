using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.ServiceDefaults.Security;

public static class AdminRouteExtensions
{
    /// <summary>The services' operator key setting; the AppHost gives every service the gateway's admin key.</summary>
    public const string ServiceAdminKeySetting = "Admin:Key";

    /// <summary>A route group under <paramref name="prefix"/> whose every endpoint needs the admin key.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints, string prefix = "/admin", string settingName = ServiceAdminKeySetting)
    {
        var filter = new AdminKeyFilter(endpoints.ServiceProvider.GetRequiredService<IConfiguration>(), settingName);
        return endpoints.MapGroup(prefix).AddEndpointFilter(filter);
    }
}
