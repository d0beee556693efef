using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Distribution.Aspire.Gateway.Tests;

/// <summary>The real gateway on Kestrel (a real loopback port), with real Postgres and Redis.</summary>
public sealed class GatewayFactory(IDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    public static async Task<GatewayFactory> StartAsync(TestServers servers, IDictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:gatewaydb"] = await servers.CreateDatabaseAsync("gateway"),
            ["ConnectionStrings:redis"] = servers.RedisConnectionString,
            ["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var factory = new GatewayFactory(settings);
        factory.UseKestrel();
        factory.StartServer();
        return factory;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{settings["HTTP_PORT"]}") };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
