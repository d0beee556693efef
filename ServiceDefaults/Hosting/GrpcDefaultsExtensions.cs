using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.ServiceDefaults.Hosting;

public static class GrpcDefaultsExtensions
{
    /// <summary>gRPC server with the standard health service (fed by the ASP.NET health checks) and reflection.</summary>
    public static TBuilder AddGrpcDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddGrpc(options => options.EnableDetailedErrors = builder.Environment.IsDevelopment());
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        return builder;
    }

    public static WebApplication MapGrpcDefaults(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        if (app.Environment.IsDevelopment())
        {
            // Lets grpcurl and IDEs discover the services locally; production keeps the surface small.
            app.MapGrpcReflectionService();
        }

        return app;
    }
}
