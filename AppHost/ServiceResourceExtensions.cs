using System.Reflection;
using Distribution.Aspire.AppHost.Infrastructure;

namespace Distribution.Aspire.AppHost;

public static class ServiceResourceExtensions
{
    private static readonly string BuildConfiguration =
        typeof(ServiceResourceExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>
    /// A domain service or adapter: an HTTP/1.1 endpoint (health, JSON) and an HTTP/2 endpoint (gRPC),
    /// passed to the service as HTTP_PORT and GRPC_PORT; its own database and Redis, waited for.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddDistributionService<TProject>(
        this IDistributedApplicationBuilder builder, string name, Infrastructure.Infrastructure infrastructure, string database)
        where TProject : IProjectMetadata, new() =>
        builder.AddDotnetService<TProject>(name)
            .WithHttpEndpoint(name: "grpc", env: "GRPC_PORT")
            .WithEndpoint("grpc", endpoint => endpoint.Transport = "http2")
            .WithDependency(infrastructure.Database(database))
            .WithDependency(infrastructure.Redis)
            .WithEnvironment("Admin__Key", builder.GetOrCreateAdminKey())
            .WithReplayDeadLettersCommand(builder.GetOrCreateAdminKey())
            .WithDaprSidecarWhenInstalled(infrastructure);

    /// <summary>
    /// Runs a project's build output directly. The AppHost builds every referenced project before it
    /// starts, and a per-service <c>dotnet run</c> (what AddProject does) spends an MSBuild evaluation
    /// per service: on a 2-core machine that was ~10 s of a 50 s start for ten services.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddDotnetService<TProject>(this IDistributedApplicationBuilder builder, string name, int? httpPort = null)
        where TProject : IProjectMetadata, new()
    {
        var projectPath = new TProject().ProjectPath;
        var projectDirectory = Path.GetDirectoryName(projectPath)!;
        var executable = Path.Combine(projectDirectory, "bin", BuildConfiguration, "net10.0", Path.GetFileNameWithoutExtension(projectPath));
        if (!File.Exists(executable))
        {
            throw new PreflightException($"{executable} does not exist: build the solution first (`dotnet build Distribution.Aspire.sln -c {BuildConfiguration}`).");
        }

        var environment = builder.Environment.EnvironmentName;
        return builder.AddExecutable(name, executable, projectDirectory)
            .WithOtlpExporter()
            .WithEnvironment("DOTNET_ENVIRONMENT", environment)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
            .WithHttpEndpoint(port: httpPort, targetPort: httpPort, name: "http", env: "HTTP_PORT", isProxied: httpPort is null)
            .WithHttpHealthCheck("/health", endpointName: "http")
            .WithEnvironment(context =>
            {
                // A run puts every process of the topology on the developer's few cores, where Server GC's heap and GC
                // thread per core in a dozen processes cost CPU and memory (a 50 orders/s step on 2 cores: 108 vs
                // 113-122 ms of CPU per order, 1.1 vs 1.2 GB; benchmarks/results/topology-2026-11-29.md). A published
                // deployment, with cores of its own, keeps the runtime's default.
                if (context.ExecutionContext.IsRunMode)
                {
                    context.EnvironmentVariables["DOTNET_gcServer"] = "0";

                    // Dynamic PGO compiles every hot method twice more (an instrumented tier, then the optimized one). With
                    // a dozen processes on two cores that JIT work was still running minutes after start: at 30 orders/s,
                    // 70-90 s in, the Shopify adapter spent 45 % of its CPU in the tiered-compilation thread, OrderService
                    // 16 %; without PGO, 1.5 % and 0.5 % (topology-2026-11-30.md).
                    context.EnvironmentVariables["DOTNET_TieredPGO"] = "0";
                }
            });
    }
}
