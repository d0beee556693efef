using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Fulfillments;
using Distribution.Aspire.Adapters.Shopify.Inventory;
using Distribution.Aspire.Adapters.Shopify.Orders;
using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Adapters.Shopify.Payouts;
using Distribution.Aspire.Adapters.Shopify.Refunds;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Distribution.Aspire.Adapters.Shopify.Webhooks;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "shopifydb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<InventoryAvailabilityChanged, AvailabilityChangedHandler>()
            .AddEventHandler<OrderShipped, OrderShippedHandler>();

        var services = builder.Services;
        services.Configure<ShopifyOptions>(builder.Configuration.GetSection(ShopifyOptions.SectionName));
        services.AddSingleton<ShopifyTelemetry>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<OutboundSignal>();
        services.AddSingleton<ExceptionStore>();
        services.AddSingleton<WebhookIntake>();
        services.AddSingleton<OrderFactProcessor>();
        services.AddSingleton<RefundRecorder>();
        services.AddSingleton<InventoryLevelRecorder>();
        services.AddSingleton<SkuMapStore>();
        services.AddSingleton<SkuMapSync>();
        services.AddSingleton<OutboundQueue>();
        services.AddSingleton<InventoryPusher>();
        services.AddSingleton<FulfillmentCreator>();
        services.AddSingleton<ShopifyCallBudget>();
        services.AddAdapterMetrics<ShopifyOutboundSampler>();
        services.AddSingleton<ShopifyCostBudget>();
        services.AddTransient<ShopifyCallLimitHandler>();
        services.AddHostedService<WebhookProcessor>();
        services.AddHostedService<OutboundWorker>();
        services.AddHostedService<SkuMapSynchronizer>();

        services.AddGrpcClient<Contracts.Orders.V1.Orders.OrdersClient>((provider, client) =>
            client.Address = provider.GetRequiredService<IOptions<ShopifyOptions>>().Value.OrdersAddress);

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        var shopify = services.AddHttpClient<ShopifyAdminClient>((provider, http) =>
            {
                http.BaseAddress = provider.GetRequiredService<IOptions<ShopifyOptions>>().Value.AdminBaseUrl;
                // The resilience pipeline's total timeout governs; HttpClient's own would cut its retries short.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        // Outermost first: timeouts, retries and the breaker around the pacing, so every attempt is paced.
        shopify.AddResilienceHandler("shopify-admin", (pipeline, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<IOptions<ShopifyOptions>>().Value;
            var metrics = context.ServiceProvider.GetRequiredService<AdapterMetrics>();
            ShopifyRetryPolicy.Configure(pipeline, settings.Http, breaker => metrics.Track(breaker, settings.PartnerId, ShopifyOptions.Channel));
        });
        shopify.AddHttpMessageHandler<ShopifyCallLimitHandler>();
        builder.AddShopifyPayouts();
        return builder;
    }
}
