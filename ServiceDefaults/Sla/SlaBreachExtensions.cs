using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Security;
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
        }

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
