using System.Collections.Concurrent;
using System.Security.Cryptography;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Gateway.Tests;

/// <summary>
/// A real HTTP destination on loopback standing in for a service or adapter: it answers every request with what it
/// received (method, path, query, headers, body length and hash). <c>?delayMs=N</c> makes it wait before answering;
/// <c>?status=N</c> makes it answer with that status.
/// </summary>
public sealed class EchoDestination : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoDestination(string name, WebApplication app, int port)
    {
        Name = name;
        _app = app;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>Answers for particular paths instead of the echo (e.g. a service's dead-letter list).</summary>
    public ConcurrentDictionary<string, Func<HttpContext, Task>> Handlers { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request received, newest last.</summary>
    public ConcurrentQueue<EchoedRequest> Received { get; } = new();

    public static async Task<EchoDestination> StartAsync(string name)
    {
        // A port found free can be taken before Kestrel binds it (often as the ephemeral port of an outgoing
        // connection); the destination then starts again on another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var destination = new EchoDestination(name, app, port);
            app.Run(destination.EchoAsync);
            try
            {
                await app.StartAsync();
                return destination;
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    private async Task EchoAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var echoed = new EchoedRequest(
            Name,
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.Length,
            Convert.ToHexStringLower(SHA256.HashData(body.ToArray())));
        Received.Enqueue(echoed);
        if (Handlers.TryGetValue(echoed.Path, out var handler))
        {
            await handler(context);
            return;
        }

        if (int.TryParse(context.Request.Query["delayMs"], out var delay))
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        context.Response.StatusCode = int.TryParse(context.Request.Query["status"], out var status) ? status : StatusCodes.Status200OK;
        await context.Response.WriteAsJsonAsync(echoed, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record EchoedRequest(
    string Destination, string Method, string Path, string Query, Dictionary<string, string> Headers, long BodyLength, string BodySha256)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
