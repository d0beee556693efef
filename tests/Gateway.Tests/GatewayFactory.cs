using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Distribution.Aspire.Gateway.Tests;

/// <summary>The real gateway on Kestrel (a real loopback port), with real Postgres and Redis.</summary>
public sealed class GatewayFactory(IDictionary<string, string?> settings, Action<IWebHostBuilder>? configure) : WebApplicationFactory<Program>
{
    public static async Task<GatewayFactory> StartAsync(TestServers servers, IDictionary<string, string?> extra, Action<IWebHostBuilder>? configure = null)
    {
        var database = extra.ContainsKey("ConnectionStrings:gatewaydb") ? null : await servers.CreateDatabaseAsync("gateway");

        // A port found free can be taken before Kestrel binds it (often as the ephemeral port of an outgoing
        // connection); the gateway then starts again on another.
        for (var attempt = 1; ; attempt++)
        {
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:gatewaydb"] = database,
                ["ConnectionStrings:redis"] = servers.RedisConnectionString,
                ["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (key, value) in extra)
            {
                settings[key] = value;
            }

            var factory = new GatewayFactory(settings, configure);
            factory.UseKestrel();
            try
            {
                factory.StartServer();
                return factory;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 5
                && !extra.ContainsKey("HTTP_PORT"))
            {
                await factory.DisposeAsync();
            }
        }
    }

    public Uri Address => new($"http://127.0.0.1:{settings["HTTP_PORT"]}");

    public HttpClient CreateHttpClient() => new() { BaseAddress = Address };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        configure?.Invoke(builder);
    }
}
