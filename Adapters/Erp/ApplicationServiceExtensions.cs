using Distribution.Aspire.Adapters.Erp.Admin;
using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Erp.Exceptions;
using Distribution.Aspire.Adapters.Erp.Items;
using Distribution.Aspire.Adapters.Erp.Postings;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Contracts.Events.Settlements;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Distribution.Aspire.Adapters.Erp;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "erpdb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<SettlementReconciled, SettlementReconciledHandler>()
            .AddEventHandler<OrderShipped, OrderShippedHandler>()
            .AddEventHandler<ReturnReceived, ReturnReceivedHandler>();

        var section = builder.Configuration.GetSection(ErpOptions.SectionName);
        builder.Services.Configure<ErpOptions>(section);
        var settings = section.Get<ErpOptions>() ?? new ErpOptions();

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ErpTelemetry>();
        services.AddSingleton<ExceptionStore>();
        services.AddSingleton<PostingQueue>();
        services.AddSingleton<DocumentMapper>();
        services.AddSingleton<ItemMasterSync>();
        services.AddSingleton<ErpTokenProvider>();
        services.AddTransient<ErpAuthHandler>();
        services.AddSingleton<IErpConnector, BusinessCentralConnector>();

        // The token endpoint keeps the default pipeline (asking for a token twice does no harm); the API gets its own.
        services.AddHttpClient(ErpTokenProvider.ClientName);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        var erp = services.AddHttpClient(BusinessCentralConnector.ClientName, client =>
            {
                client.BaseAddress = new Uri(settings.ApiBaseUrl.EndsWith('/') ? settings.ApiBaseUrl : settings.ApiBaseUrl + "/");
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        erp.AddResilienceHandler("erp", (pipeline, context) => ErpResilience.Configure(
            pipeline, settings.Http, breaker => context.ServiceProvider.GetRequiredService<AdapterMetrics>().Track(breaker, ErpOutboundSampler.Partner, ErpOutboundSampler.Partner)));
        services.AddAdapterMetrics<ErpOutboundSampler>();
        // Inside the pipeline, so every attempt carries a current token.
        erp.AddHttpMessageHandler<ErpAuthHandler>();
        services.AddGrpcClient<Contracts.Inventory.V1.Inventory.InventoryClient>(client => client.Address = new Uri(settings.InventoryAddress));

        services.AddHostedService<PostingSender>();
        services.AddHostedService<ItemSyncWorker>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcDefaults();
        app.MapMessagingEndpoints();
        app.MapErpAdminApi();
        app.MapSlaBreachesApi();
        return app;
    }
}
