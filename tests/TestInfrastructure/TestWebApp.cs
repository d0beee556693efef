using Microsoft.AspNetCore.Builder;
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
        var app = Build(settings, configureServices, configureApp, out var httpPort, out var grpcPort);
        await app.StartAsync();
        return new TestWebApp(app, httpPort, grpcPort);
    }

    public HttpClient CreateClient() => new() { BaseAddress = HttpAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
