using Distribution.Aspire.ServiceDefaults.Health;
using Distribution.Aspire.ServiceDefaults.Sla;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Distribution.Aspire.ServiceDefaults.Telemetry;

public static class OpenTelemetryExtensions
{
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var telemetry = new ServiceTelemetry(builder.Environment.ApplicationName);
        builder.Services.AddSingleton(telemetry);
        builder.Services.AddSingleton<SlaPolicy>();

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(telemetry.Meter.Name)
                .AddMeter("Npgsql")
                .AddMeter(ServiceTelemetry.PlatformPrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(telemetry.ActivitySource.Name)
                .AddSource(ServiceTelemetry.PlatformPrefix + "*")
                .AddSource("Npgsql")
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Health probes run every few seconds; tracing them buries the business spans.
                    aspnet.Filter = context => !HealthPaths.IsProbe(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation(http =>
                    http.FilterHttpRequestMessage = request => request.RequestUri is null || !HealthPaths.IsProbe(request.RequestUri.AbsolutePath)));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }
}
