using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.TestInfrastructure;

/// <summary>
/// A real Kestrel host on free loopback ports (HTTP/1.1 on <see cref="HttpAddress"/>, HTTP/2 on
/// <see cref="GrpcAddress"/>), built the way a service builds itself, for tests over real HTTP.
/// </summary>
public sealed class TestWebApp : IAsyncDisposable
{
    private TestWebApp(WebApplication app, int httpPort, int grpcPort)
    {
        App = app;
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
    }

    public WebApplication App { get; }

    public Uri HttpAddress { get; }

    public Uri GrpcAddress { get; }

    public static WebApplication Build(
        IDictionary<string, string?> settings,
        Action<WebApplicationBuilder> configureServices,
        Action<WebApplication> configureApp,
        out int httpPort,
        out int grpcPort)
    {
        httpPort = FreePort.Next();
        grpcPort = FreePort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["HTTP_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["GRPC_PORT"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        configureServices(builder);
        var app = builder.Build();
        configureApp(app);
        return app;
    }

    public static async Task<TestWebApp> StartAsync(
        IDictionary<string, string?> settings,
        Action<WebApplicationBuilder> configureServices,
        Action<WebApplication> configureApp)
    {
        // A port found free can be taken before Kestrel binds it (most often as the ephemeral port of an outgoing
        // connection, which comes from the same range); the host is then built again on a new pair of ports.
        for (var attempt = 1; ; attempt++)
        {
            var app = Build(settings, configureServices, configureApp, out var httpPort, out var grpcPort);
            try
            {
                await app.StartAsync();
                return new TestWebApp(app, httpPort, grpcPort);
            }
            catch (IOException ex) when (ex.InnerException is AddressInUseException && attempt < MaxBindAttempts)
            {
                await app.DisposeAsync();
            }
        }
    }

    private const int MaxBindAttempts = 5;

    public HttpClient CreateClient() => new() { BaseAddress = HttpAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
