using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Security;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Distribution.Aspire.ServiceDefaults.Sla;

public static class SlaBreachExtensions
{
    /// <summary>The <c>sla_breaches</c> table (migration set <c>sla</c>) and its store, for a service with a database.</summary>
    public static IServiceCollection AddSlaBreaches(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(SlaBreachStore)))
        {
            services.AddMigrationSet("sla", typeof(SlaBreachExtensions).Assembly);
            services.TryAddSingleton<SlaBreachStore>();
            services.TryAddSingleton(TimeProvider.System);
        }

        return services;
    }

    /// <summary>
    /// What an adapter needs for its shared metrics: <see cref="AdapterMetrics"/>, the SLA breach list and
    /// <see cref="OutboundAge"/>, with <typeparamref name="TSampler"/> reading its outbound queue on the sampling interval.
    /// </summary>
    public static IServiceCollection AddAdapterMetrics<TSampler>(this IServiceCollection services) where TSampler : class, IGaugeSampler
    {
        services.TryAddSingleton<AdapterMetrics>();
        services.TryAddSingleton<OutboundAge>();
        services.TryAddSingleton<SyncFreshness>();
        services.AddSlaBreaches();
        services.AddGaugeSampler<TSampler>();
        return services;
    }

    /// <summary>Operators' list of this service's SLA breaches, newest first: <c>GET /admin/sla-breaches?partnerId=&amp;sla=&amp;limit=</c>.</summary>
    public static IEndpointRouteBuilder MapSlaBreachesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminGroup("/admin").WithTags("SLA breaches").MapGet("/sla-breaches",
            async Task<Ok<SlaBreachList>> (SlaBreachStore store, string? partnerId, string? sla, int? limit, CancellationToken cancellationToken) =>
                TypedResults.Ok(new SlaBreachList(await store.ListAsync(partnerId, sla, limit, cancellationToken))));
        return endpoints;
    }
}
