using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Distribution.Aspire.AppHost.Infrastructure;

namespace Distribution.Aspire.AppHost;

public static class GatewayResourceExtensions
{
    /// <summary>
    /// The gateway on its fixed, configurable port (<c>Gateway:Port</c>, default 5080), not proxied, so
    /// partners and scripts always find it at the same address.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddGateway(
        this IDistributedApplicationBuilder builder,
        Infrastructure.Infrastructure infrastructure,
        IEnumerable<IResourceBuilder<ExecutableResource>> backends)
    {
        var port = builder.Configuration.GetValue("Gateway:Port", 5080);
        Preflight.EnsurePortFree(port, "gateway", "Gateway__Port=<port>");

        var gateway = builder.AddDotnetService<Projects.Gateway>("gateway", httpPort: port)
            .WithExternalHttpEndpoints()
            .WithEnvironment("Gateway__AdminKey", builder.GetOrCreateAdminKey())
            // Services check their own Admin:Key (the same key in this topology); the gateway presents it when it
            // passes an operator's call through to a service's admin API.
            .WithEnvironment("Gateway__ServiceAdminKey", builder.GetOrCreateAdminKey())
            .WithEnvironment("Gateway__SecretsKey", builder.GetOrCreateSecretsKey())
            .WithDependency(infrastructure.Database("gatewaydb"))
            .WithDependency(infrastructure.Redis);

        // Destinations are found through service discovery (services__<name>__http__0 for the partner routes,
        // services__<name>__grpc__0 for health); the gateway does not wait for them, so one failing service does
        // not take the front door down with it.
        var index = 0;
        foreach (var backend in backends)
        {
            gateway.WithReference(backend.GetEndpoint("http")).WithReference(backend.GetEndpoint("grpc"))
                .WithEnvironment($"Gateway__Backends__{index++}", backend.Resource.Name);
        }

        return gateway;
    }

    /// <summary>
    /// The operators' key: <c>Gateway:AdminKey</c> from the AppHost's configuration (e.g. the
    /// <c>Gateway__AdminKey</c> environment variable), else a new random one printed for this run.
    /// </summary>
    public static string GetOrCreateAdminKey(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["Gateway:AdminKey"] is { Length: > 0 } configured)
        {
            return configured;
        }

        var generated = "adm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        builder.Configuration["Gateway:AdminKey"] = generated;
        Console.WriteLine($"Gateway admin key for this run (X-Admin-Key): {generated}  — set Gateway__AdminKey to choose your own.");
        return generated;
    }

    /// <summary>
    /// The key that encrypts partners' webhook secrets in gatewaydb: <c>Gateway:SecretsKey</c> from configuration,
    /// else one generated on first use and kept beside the local data (<c>.data/gateway-secrets.key</c>), because
    /// unlike the admin key it must stay the same as long as the database does.
    /// </summary>
    public static string GetOrCreateSecretsKey(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration["Gateway:SecretsKey"] is { Length: > 0 } configured)
        {
            return configured;
        }

        var dataDirectory = InfrastructureOptions.FromConfiguration(builder.Configuration, builder.AppHostDirectory).DataDirectory;
        var path = Path.Combine(dataDirectory, "gateway-secrets.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var key = File.ReadAllText(path).Trim();
        builder.Configuration["Gateway:SecretsKey"] = key;
        return key;
    }
}
