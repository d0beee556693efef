using Distribution.Aspire.Adapters.ThreePL.Api;
using Distribution.Aspire.Adapters.ThreePL.Applying;
using Distribution.Aspire.Adapters.ThreePL.Events;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Adapters.ThreePL.Outbound;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Distribution.Aspire.Adapters.ThreePL;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "threepldb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<ShipmentRequested, ShipmentRequestedHandler>()
            .AddEventHandler<ShipmentCancelled, ShipmentCancelledHandler>();

        var section = builder.Configuration.GetSection(ThreePLOptions.SectionName);
        builder.Services.Configure<ThreePLOptions>(section);
        var settings = section.Get<ThreePLOptions>() ?? new ThreePLOptions();

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ThreePLTelemetry>();
        services.AddSingleton<InboundDocuments>();
        services.AddSingleton<QuarantineStore>();
        services.AddSingleton<InboundWorkSignal>();
        services.AddSingleton<IShipmentOrderLookup, ShipmentOrderLookup>();
        services.AddSingleton<InterchangeReview>();
        services.AddSingleton<EdiIntake>();
        services.AddSingleton<JsonEventIntake>();
        services.AddSingleton<OutboundOrders>();
        services.AddAdapterMetrics<ThreePLOutboundSampler>();

        // Fulfillment and Inventory through service discovery; the applier retries on its own schedule.
        services.AddGrpcClient<Contracts.Fulfillment.V1.Fulfillment.FulfillmentClient>(client => client.Address = new Uri(settings.FulfillmentAddress));
        services.AddGrpcClient<Contracts.Inventory.V1.Inventory.InventoryClient>(client => client.Address = new Uri(settings.InventoryAddress));
        builder.AddPartnerClient(settings.Http);

        services.AddHostedService<InboundApplier>();
        services.AddHostedService<InboundRecovery>();
        services.AddHostedService<OutboundSender>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcDefaults();
        app.MapMessagingEndpoints();
        app.MapThreePLPartnerApi();
        app.MapThreePLAdminApi();
        app.MapSlaBreachesApi();
        return app;
    }

    /// <summary>
    /// The client for calls to 3PLs: per-attempt timeout, retries with jitter honoring Retry-After, and a circuit
    /// breaker per partner host (Microsoft.Extensions.Http.Resilience). The durable outbound queue retries beyond it.
    /// </summary>
    private static void AddPartnerClient(this IHostApplicationBuilder builder, PartnerHttpOptions http)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        var client = builder.Services.AddHttpClient(OutboundSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddResilienceHandler("threepl-partners", (pipeline, context) =>
        {
            pipeline.AddTimeout(TimeSpan.FromSeconds(http.AttemptTimeoutSeconds * (http.MaxRetryAttempts + 1) + 5));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = http.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(http.RetryBaseDelayMilliseconds),
                ShouldRetryAfterHeader = true,
            });
            var partners = context.ServiceProvider.GetRequiredService<IOptions<ThreePLOptions>>().Value.Partners;
            pipeline.AddCircuitBreaker(context.ServiceProvider.GetRequiredService<AdapterMetrics>().Track(
                new HttpCircuitBreakerStrategyOptions
                {
                    BreakDuration = TimeSpan.FromSeconds(http.CircuitBreakSeconds),
                    MinimumThroughput = 5,
                    FailureRatio = 0.5,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                },
                "unknown",
                ThreePLOutboundSampler.Channel,
                request => ThreePLOutboundSampler.PartnerOf(partners, request?.RequestUri)));
            pipeline.AddTimeout(TimeSpan.FromSeconds(http.AttemptTimeoutSeconds));
        })
        // One pipeline (and circuit) per partner host: one 3PL's outage does not block the others.
        .SelectPipelineByAuthority();
    }
}
