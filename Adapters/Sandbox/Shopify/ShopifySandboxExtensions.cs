using Distribution.Aspire.Adapters.Sandbox.Shopify.Payouts;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

public static class ShopifySandboxExtensions
{
    /// <summary>The simulated Shopify shop: state, call limits, faults, webhook sender and scenario driver (settings under <c>Sandbox:Shopify</c>).</summary>
    public static IHostApplicationBuilder AddShopifySandbox(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<ShopifySandboxOptions>(builder.Configuration.GetSection(ShopifySandboxOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShopifyShop>();
        services.AddSingleton<ShopifyFaultSwitch>();
        services.AddSingleton<ApiCallStats>();
        services.AddSingleton<AdminApiGuard>();
        services.AddSingleton(provider =>
        {
            var bucket = provider.GetRequiredService<IOptions<ShopifySandboxOptions>>().Value.Bucket;
            return new LeakyBucket(bucket.Size, bucket.LeakPerSecond, provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(provider =>
        {
            var costs = provider.GetRequiredService<IOptions<ShopifySandboxOptions>>().Value.GraphQl;
            return new CostBucket(costs.MaximumAvailable, costs.RestoreRate, provider.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ShopifyOrderDesk>();
        services.Configure<PayoutOptions>(builder.Configuration.GetSection(PayoutOptions.SectionName));
        services.AddSingleton<SandboxPayouts>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookSender>());
        services.AddHostedService<ScenarioDriver>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        // Shopify's own retry schedule is simulated by the sender; the default pipeline's retries would blur it.
        services.AddHttpClient(WebhookSender.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static IEndpointRouteBuilder MapShopifySandbox(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapShopifyAdminApi().MapShopifySandboxApi().MapShopifyPayoutsApi();
}
