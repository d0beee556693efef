using System.Collections.Concurrent;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>
/// A 3PL endpoint the test scripts: it keeps every body it is sent (so "the 3PL has it" holds even when the answer
/// is a failure) and answers with whatever status <see cref="Answer"/> decides, or not at all.
/// </summary>
public sealed class StubPartner(TestWebApp app) : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, string Body)> _received = new();

    /// <summary>The status for a request (path, body); may wait on the aborted token to play a hanging 3PL.</summary>
    public Func<string, string, CancellationToken, Task<int>> Answer { get; set; } = (_, _, _) => Task.FromResult(StatusCodes.Status200OK);

    public IReadOnlyList<(string Path, string Body)> Received => [.. _received];

    public string EdiUrl => new Uri(app.HttpAddress, "edi").ToString();

    public string OrdersUrl => new Uri(app.HttpAddress, "orders").ToString();

    public static async Task<StubPartner> StartAsync()
    {
        StubPartner? stub = null;
        var app = await TestWebApp.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" },
            builder => builder.ConfigureServiceEndpoints(),
            web => web.MapPost("/{**path}", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                var path = context.Request.Path.Value ?? string.Empty;
                stub!._received.Enqueue((path, body));
                return Results.StatusCode(await stub.Answer(path, body, context.RequestAborted));
            }));
        stub = new StubPartner(app);
        return stub;
    }

    /// <summary>A stub that hangs on every request until the caller gives up.</summary>
    public static async Task<int> HangAsync(CancellationToken aborted)
    {
        await Task.Delay(Timeout.Infinite, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
        return StatusCodes.Status504GatewayTimeout;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
