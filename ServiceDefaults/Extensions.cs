using Distribution.Aspire.ServiceDefaults.Correlation;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Health;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Redis;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Distribution.Aspire host shares: telemetry, health, service discovery, resilience,
/// problem details, correlation ids and the HTTP/1.1 + HTTP/2 listener pair.
/// </summary>
public static class Extensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureServiceEndpoints();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddProblemDetailsDefaults();
        builder.AddCorrelation();
        builder.AddRedisDefaults();

        // Npgsql logs every command at Information: with relays and consumers polling, that is most of a
        // service's log volume and a measurable share of its CPU. Configuration can still ask for it.
        if (builder.Configuration["Logging:LogLevel:Npgsql"] is null)
        {
            builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        }

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Maps health endpoints and installs the middleware every host runs first: the correlation id (outermost,
    /// so error responses carry it too), then problem details for unhandled errors and unmatched routes.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseCorrelation();
        app.UseProblemDetailsDefaults();
        app.MapHealthEndpoints();
        return app;
    }
}
