using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>
/// What the gateway does for Shopify webhooks, reduced to its contract with the adapter: verify the HMAC over the raw
/// body with the shop's secret (401 otherwise), stamp the partner headers, forward. Lets the sandbox and the adapter
/// meet in a test without the whole gateway.
/// </summary>
public sealed class GatewayStandIn : IAsyncDisposable
{
    private static readonly HttpClient Forwarder = new();

    private GatewayStandIn(TestWebApp app) => App = app;

    public TestWebApp App { get; }

    public Uri WebhookUrl => new(App.HttpAddress, "/partners/shopify/webhooks");

    /// <summary>The adapter to forward to; set once it runs (it needs the sandbox, which needs this address).</summary>
    public Uri? Target { get; set; }

    public int BadSignatures { get; private set; }

    public static async Task<GatewayStandIn> StartAsync(string secret, string partnerId)
    {
        GatewayStandIn? standIn = null;
        var app = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder => Distribution.Aspire.ServiceDefaults.Hosting.ServiceEndpointsExtensions.ConfigureServiceEndpoints(builder),
            app => app.MapPost("/partners/shopify/webhooks", (Delegate)((HttpContext context) => standIn!.ForwardAsync(context, secret, partnerId))));
        standIn = new GatewayStandIn(app);
        return standIn;
    }

    private async Task<IResult> ForwardAsync(HttpContext context, string secret, string partnerId)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var presented = context.Request.Headers["X-Shopify-Hmac-Sha256"].ToString();
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(expected)))
        {
            BadSignatures++;
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "bad signature");
        }

        if (Target is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "adapter not started yet");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Target, "/partners/shopify/webhooks")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var header in context.Request.Headers.Where(h => h.Key.StartsWith("X-Shopify-", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToString());
        }

        request.Headers.Add(PartnerHeaders.PartnerId, partnerId);
        request.Headers.Add(PartnerHeaders.Channel, "shopify");
        using var response = await Forwarder.SendAsync(request);
        return Results.Content(await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(), Encoding.UTF8, (int)response.StatusCode);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
