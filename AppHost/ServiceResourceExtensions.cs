using Distribution.Aspire.AppHost.Infrastructure;

namespace Distribution.Aspire.AppHost;

public static class ServiceResourceExtensions
{
    /// <summary>
    /// A domain service or adapter: an HTTP/1.1 endpoint (health, JSON) and an HTTP/2 endpoint (gRPC),
    /// passed to the service as HTTP_PORT and GRPC_PORT; its own database and Redis, waited for.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddDistributionService<TProject>(
        this IDistributedApplicationBuilder builder, string name, Infrastructure.Infrastructure infrastructure, string database)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name, launchProfileName: null)
            .WithHttpEndpoint(name: "http", env: "HTTP_PORT")
            .WithHttpEndpoint(name: "grpc", env: "GRPC_PORT")
            .WithEndpoint("grpc", endpoint => endpoint.Transport = "http2")
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithDependency(infrastructure.Database(database))
            .WithDependency(infrastructure.Redis);
}
