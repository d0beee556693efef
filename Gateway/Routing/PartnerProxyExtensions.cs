using Distribution.Aspire.Gateway.Audit;
using Distribution.Aspire.Gateway.Authentication;
using Distribution.Aspire.Gateway.RateLimiting;

namespace Distribution.Aspire.Gateway.Routing;

public static class PartnerProxyExtensions
{
    /// <summary>YARP with the routes of <see cref="RouteGroupCatalog"/>, destinations found through service discovery.</summary>
    public static IHostApplicationBuilder AddPartnerProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PartnerAuthenticator>();
        builder.Services.AddSingleton<PartnerRateLimiter>();
        builder.Services.AddSingleton<GatewayAudit>();
        builder.Services.AddSingleton<PartnerErrorLog>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PartnerErrorLog>());

        // Routes are fixed at start-up from configuration; the policy middleware looks groups up in the same catalog.
        var catalog = new RouteGroupCatalog(Microsoft.Extensions.Options.Options.Create(
            builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions()));
        builder.Services.AddSingleton(catalog);
        builder.Services.AddReverseProxy()
            .LoadFromMemory(catalog.Routes, catalog.Clusters)
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    public static IEndpointRouteBuilder MapPartnerProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<PartnerPolicyMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
