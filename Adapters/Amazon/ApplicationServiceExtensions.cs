using Distribution.Aspire.Adapters.Amazon.Exceptions;
using Distribution.Aspire.Adapters.Amazon.Notifications;
using Distribution.Aspire.Adapters.Amazon.Orders;
using Distribution.Aspire.Adapters.Amazon.Outbound;
using Distribution.Aspire.Adapters.Amazon.SpApi;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Distribution.Aspire.Adapters.Amazon;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "amazondb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<InventoryAvailabilityChanged, AvailabilityChangedHandler>()
            .AddEventHandler<OrderShipped, OrderShippedHandler>();

        var section = builder.Configuration.GetSection(AmazonOptions.SectionName);
        builder.Services.Configure<AmazonOptions>(section);
        var settings = section.Get<AmazonOptions>() ?? new AmazonOptions();

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AmazonTelemetry>();
        services.AddSingleton<ExceptionStore>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<QuantitySignal>();
        services.AddSingleton<ShipmentSignal>();
        services.AddSingleton<AmazonOrderLinks>();
        services.AddSingleton<QuantityQueue>();
        services.AddAdapterMetrics<AmazonOutboundSampler>();
        services.AddScoped<OrderIngestor>();
        services.AddTransient<IAmazonOrdersApi>(provider => settings.OrdersApiVersion switch
        {
            AmazonOptions.OrdersV0 => ActivatorUtilities.CreateInstance<OrdersApiV0>(provider),
            AmazonOptions.Orders20260101 => ActivatorUtilities.CreateInstance<OrdersApi20260101>(provider),
            var other => throw new InvalidOperationException(
                $"Amazon:OrdersApiVersion \"{other}\" is not known; use \"{AmazonOptions.OrdersV0}\" or \"{AmazonOptions.Orders20260101}\"."),
        });

        builder.AddSpApiClient(settings);
        services.AddGrpcClient<Contracts.Orders.V1.Orders.OrdersClient>(client => client.Address = new Uri(settings.OrderServiceAddress));

        services.AddHostedService<NotificationWorker>();
        services.AddHostedService<BackupPoller>();
        services.AddHostedService<QuantitySender>();
        services.AddHostedService<ShipmentSender>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcDefaults();
        app.MapMessagingEndpoints();
        app.MapAmazonNotificationsApi();
        app.MapAmazonExceptionsApi();
        app.MapSlaBreachesApi();
        return app;
    }

    /// <summary>
    /// The SP-API client: retries with jitter (honoring Retry-After) and a circuit breaker from
    /// Microsoft.Extensions.Http.Resilience, and innermost the per-operation token buckets, so every attempt,
    /// retries included, stays inside Amazon's usage plan.
    /// </summary>
    private static void AddSpApiClient(this IHostApplicationBuilder builder, AmazonOptions settings)
    {
        var http = settings.Http;
        builder.Services.AddSingleton(provider =>
        {
            var metrics = provider.GetRequiredService<AdapterMetrics>();
            return new SpApiRateLimits(
                provider.GetRequiredService<TimeProvider>(), operation => metrics.CountThrottled(settings.PartnerId, AmazonOptions.Channel, operation.Name));
        });
        builder.Services.AddTransient(provider => new SpApiThrottlingHandler(
            provider.GetRequiredService<SpApiRateLimits>(), TimeSpan.FromSeconds(http.AttemptTimeoutSeconds)));
        builder.Services.AddHttpClient(QuantitySender.UploadClient);

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        var client = builder.Services.AddHttpClient<SpApiClient>(client =>
            {
                client.BaseAddress = new Uri(settings.SpApiBaseUrl);
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("sp-api", (pipeline, context) =>
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = http.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(http.RetryBaseDelayMilliseconds),
                    ShouldRetryAfterHeader = true,
                });
                pipeline.AddCircuitBreaker(context.ServiceProvider.GetRequiredService<AdapterMetrics>().Track(new HttpCircuitBreakerStrategyOptions
                {
                    // Throttling is not an outage: 429s are paced by the token buckets, not counted here.
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Exception is not null || (int?)args.Outcome.Result?.StatusCode >= 500),
                    BreakDuration = TimeSpan.FromSeconds(http.CircuitBreakSeconds),
                    MinimumThroughput = 10,
                    FailureRatio = 0.5,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                }, settings.PartnerId, AmazonOptions.Channel));
            });
        client.AddHttpMessageHandler<SpApiThrottlingHandler>();
    }
}
