using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.AppHost.Infrastructure;

public static class InfrastructureExtensions
{
    public const string RedisName = "redis";

    /// <summary>
    /// Adds Postgres with the given databases and Redis, as containers or as local executables
    /// (see <see cref="InfrastructureMode"/>), after checking that the chosen way can work here.
    /// </summary>
    public static Infrastructure AddInfrastructure(this IDistributedApplicationBuilder builder, IReadOnlyList<string> databases)
    {
        var options = InfrastructureOptions.FromConfiguration(builder.Configuration, builder.AppHostDirectory);
        var mode = Preflight.ResolveMode(options.Mode, Preflight.ProbeDocker);
        return mode == InfrastructureMode.Containers
            ? AddContainers(builder, databases)
            : AddLocalExecutables(builder, options, databases);
    }

    public static IResourceBuilder<T> WithDependency<T>(this IResourceBuilder<T> resource, Dependency dependency)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        resource.WithReference(dependency.Connection).WaitFor(dependency.Ready);

    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder, IReadOnlyList<string> databases)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume("distribution-aspire-postgres");
        var redis = builder.AddRedis(RedisName).WithDataVolume("distribution-aspire-redis").WithPersistence(TimeSpan.FromSeconds(10));

        var byName = databases.ToDictionary(
            name => name,
            name =>
            {
                var database = postgres.AddDatabase(name);
                return new Dependency(database, database);
            });
        return new Infrastructure(InfrastructureMode.Containers, byName, new Dependency(redis, redis));
    }

    private static Infrastructure AddLocalExecutables(IDistributedApplicationBuilder builder, InfrastructureOptions options, IReadOnlyList<string> databases)
    {
        var postgresBin = Preflight.FindPostgresBinDirectory(options.PostgresBinDirectory);
        var redisServer = Preflight.FindRedisServer();
        Preflight.EnsurePostgresCanUseDataDirectory(options.DataDirectory, Preflight.IsRoot());
        var postgresPort = options.PostgresPort is int pgPort
            ? Preflight.EnsurePortFree(pgPort, "local PostgreSQL", "Infrastructure__PostgresPort (0 picks a free port)")
            : Preflight.FreePort();
        var redisPort = options.RedisPort is int rPort
            ? Preflight.EnsurePortFree(rPort, "local Redis", "Infrastructure__RedisPort (0 picks a free port)")
            : Preflight.FreePort();

        var postgresData = Path.Combine(options.DataDirectory, "postgres");
        var redisData = Path.Combine(options.DataDirectory, "redis");
        Directory.CreateDirectory(options.DataDirectory);
        Directory.CreateDirectory(redisData);

        var port = postgresPort.ToString(CultureInfo.InvariantCulture);
        var postgres = builder.AddExecutable(
                "postgres", "bash", builder.AppHostDirectory,
                [Path.Combine(builder.AppHostDirectory, "scripts", "run-postgres.sh"), postgresData, port, .. databases])
            .WithEnvironment("POSTGRES_BIN_DIR", postgresBin)
            .WithEndpoint(port: postgresPort, targetPort: postgresPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck("postgres-server");
        builder.Services.AddHealthChecks().AddNpgSql(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=3;Pooling=false", name: "postgres-server");

        // AOF with fsync every second: events waiting in streams survive a Redis restart.
        var redisServerResource = builder.AddExecutable(
                "redis-server", redisServer, redisData,
                "--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", redisData, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "")
            .WithEndpoint(port: redisPort, targetPort: redisPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck("redis-server");
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{redisPort},abortConnect=false,connectTimeout=2000", name: "redis-server");

        var byName = databases.ToDictionary(
            name => name,
            name => new Dependency(
                builder.AddConnectionString(name, ReferenceExpression.Create($"Host=127.0.0.1;Port={port};Username=postgres;Database={name}")),
                postgres));
        var redis = builder.AddConnectionString(RedisName, ReferenceExpression.Create($"127.0.0.1:{redisPort.ToString(CultureInfo.InvariantCulture)}"));
        return new Infrastructure(InfrastructureMode.Local, byName, new Dependency(redis, redisServerResource));
    }
}
