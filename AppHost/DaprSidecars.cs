using Distribution.Aspire.AppHost.Infrastructure;

namespace Distribution.Aspire.AppHost;

public static class DaprSidecars
{
    /// <summary>
    /// Where the Dapr runtime is installed (<c>Dapr:DaprdPath</c>, else <c>daprd</c> on PATH), gives the
    /// service a <c>daprd</c> sidecar with the local Redis pub/sub component (<c>dapr/components</c>) and
    /// switches its event transport to Dapr. Without it the service keeps the Redis Streams transport.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> WithDaprSidecarWhenInstalled(
        this IResourceBuilder<ExecutableResource> service, Infrastructure.Infrastructure infrastructure)
    {
        var builder = service.ApplicationBuilder;
        var daprd = builder.Configuration["Dapr:DaprdPath"] is { Length: > 0 } configured ? configured : Preflight.FindOnPath("daprd");
        if (daprd is null || infrastructure.Mode != InfrastructureMode.Local)
        {
            return service;
        }

        var name = service.Resource.Name;
        var (grpcPort, httpPort) = (Preflight.FreePort(), Preflight.FreePort());
        var appPort = service.GetEndpoint("http");
        var components = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "dapr", "components"));
        builder.AddExecutable($"{name}-dapr", daprd, builder.AppHostDirectory)
            .WithArgs(context =>
            {
                context.Args.Add("--app-id");
                context.Args.Add(name);
                context.Args.Add("--app-port");
                context.Args.Add(appPort.Property(EndpointProperty.TargetPort));
                context.Args.Add("--dapr-grpc-port");
                context.Args.Add(grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
                context.Args.Add("--dapr-http-port");
                context.Args.Add(httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
                context.Args.Add("--resources-path");
                context.Args.Add(components);
            })
            .WithEnvironment("REDIS_HOST", infrastructure.Redis.Connection.Resource.ConnectionStringExpression)
            .WaitFor(infrastructure.Redis.Ready)
            .WaitFor(service);

        var grpcEndpoint = $"http://127.0.0.1:{grpcPort}";
        var httpEndpoint = $"http://127.0.0.1:{httpPort}";
        return service
            .WithEnvironment("Messaging__Transport", "Dapr")
            .WithEnvironment("DAPR_GRPC_ENDPOINT", grpcEndpoint)
            .WithEnvironment("DAPR_HTTP_ENDPOINT", httpEndpoint);
    }
}
