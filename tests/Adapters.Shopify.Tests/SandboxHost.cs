using System.Net.Http.Json;
using Distribution.Aspire.Adapters.Sandbox.Shopify;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>The Shopify sandbox (Adapters/Sandbox) hosted in-process over real HTTP, and a client for its inspection API.</summary>
public sealed class SandboxHost : IAsyncDisposable
{
    public const string AccessToken = "shpat_test_token";
    public const string WebhookSecret = "test-webhook-secret";
    public const string ShopDomain = "test-shop.myshopify.com";

    private SandboxHost(TestWebApp app)
    {
        App = app;
        Client = app.CreateClient();
    }

    public TestWebApp App { get; }

    public HttpClient Client { get; }

    public Uri AdminBaseUrl => new(App.HttpAddress, "/shopify/");

    public ShopifyShop Shop => App.App.Services.GetRequiredService<ShopifyShop>();

    public ShopifyOrderDesk Desk => App.App.Services.GetRequiredService<ShopifyOrderDesk>();

    public ShopifyFaultSwitch Faults => App.App.Services.GetRequiredService<ShopifyFaultSwitch>();

    public ApiCallStats Calls => App.App.Services.GetRequiredService<ApiCallStats>();

    public WebhookSender Webhooks => App.App.Services.GetRequiredService<WebhookSender>();

    public static async Task<SandboxHost> StartAsync(Uri? webhookUrl, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:Shopify:AccessToken"] = AccessToken,
            ["Sandbox:Shopify:WebhookSecret"] = WebhookSecret,
            ["Sandbox:Shopify:ShopDomain"] = ShopDomain,
            ["Sandbox:Shopify:WebhookUrl"] = webhookUrl?.ToString(),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestWebApp.StartAsync(
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddShopifySandbox();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapShopifySandbox();
            });
        return new SandboxHost(app);
    }

    public async Task<IReadOnlyList<ToldQuantity>> ToldAsync() =>
        (await Client.GetFromJsonAsync<List<ToldQuantity>>("/shopify/sandbox/quantities"))!;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
