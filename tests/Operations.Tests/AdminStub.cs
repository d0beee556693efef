using System.Text.Json.Nodes;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>
/// The adapters' and fulfillment's admin APIs at the HTTP boundary (a real Kestrel server), answering their recorded
/// shapes; the gateway's pass-through reaches it as each of those services. It checks the service admin key like the
/// services do.
/// </summary>
public sealed class AdminStub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdminStub(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<AdminStub> StartAsync(string serviceAdminKey)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var answers = new Dictionary<string, Func<JsonNode>>(StringComparer.Ordinal)
        {
            ["/admin/dead-letters"] = () => new JsonArray(),
            ["/admin/erp/exceptions"] = () => new JsonObject { ["items"] = new JsonArray(RecordedShapes.ErpJournal(false), RecordedShapes.ErpItem(false)) },
            ["/admin/erp/exceptions/7"] = () => RecordedShapes.ErpJournal(true),
            ["/admin/erp/exceptions/8"] = () => RecordedShapes.ErpItem(true),
            ["/admin/shopify/exceptions"] = () => new JsonArray(RecordedShapes.ShopifyMapping(false)),
            [$"/admin/shopify/exceptions/{RecordedShapes.ShopifyExceptionId}"] = () => RecordedShapes.ShopifyMapping(true),
            ["/admin/amazon/exceptions"] = RecordedShapes.AmazonExceptions,
            ["/admin/3pl/quarantine"] = () => new JsonObject { ["items"] = new JsonArray(RecordedShapes.Quarantine()) },
            ["/admin/3pl/quarantine/11"] = () => new JsonObject { ["item"] = RecordedShapes.Quarantine(), ["body"] = RecordedShapes.X12Body },
            ["/admin/fulfillment/exceptions"] = RecordedShapes.FulfillmentExceptions,
            ["/admin/sla-breaches"] = () => new JsonObject { ["breaches"] = new JsonArray() },
        };
        app.Run(async context =>
        {
            if (context.Request.Headers["X-Admin-Key"] != serviceAdminKey)
            {
                await Problem(context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized);
                return;
            }

            if (answers.TryGetValue(context.Request.Path.Value ?? "", out var answer))
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer().ToJsonString(), context.RequestAborted);
                return;
            }

            await Problem(context, StatusCodes.Status404NotFound, ProblemCodes.NotFound);
        });
        await app.StartAsync();
        return new AdminStub(app, new Uri($"http://127.0.0.1:{port}"));
    }

    private static Task Problem(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(new JsonObject { ["status"] = status, ["code"] = code }.ToJsonString(), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
