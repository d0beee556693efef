using Distribution.Aspire.Contracts.Events.Erp;
using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.SettlementService.Api;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Erp;
using Distribution.Aspire.SettlementService.Ingest;
using Distribution.Aspire.SettlementService.Queries;
using Distribution.Aspire.SettlementService.ReadModel;
using Distribution.Aspire.SettlementService.Reconciliation;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.SettlementService;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "settlementdb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.Services.AddGrpc().AddServiceOptions<SettlementsGrpcService>(options => options.Interceptors.Add<SettlementErrorInterceptor>());
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<OrderReceived, OrderReceivedHandler>()
            .AddEventHandler<OrderAccepted, OrderAcceptedHandler>()
            .AddEventHandler<OrderCancelled, OrderCancelledHandler>()
            .AddEventHandler<OrderShipped, OrderShippedHandler>()
            .AddEventHandler<ReturnReceived, ReturnReceivedHandler>()
            .AddEventHandler<JournalPosted, JournalPostedHandler>()
            .AddEventHandler<JournalRejected, JournalRejectedHandler>();

        var services = builder.Services;
        var section = builder.Configuration.GetSection(SettlementOptions.SectionName);
        services.AddOptions<SettlementOptions>().Bind(section)
            .Validate(SettlementRules.AreValid, SettlementRules.Description)
            .ValidateOnStart();

        // Called from an event handler, which the backbone retries: a failed call fails the handler at once.
        var ordersAddress = section.Get<SettlementOptions>()?.OrdersAddress ?? new SettlementOptions().OrdersAddress;
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        services.AddGrpcClient<OrdersProto.Orders.OrdersClient>(client => client.Address = ordersAddress).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddSingleton<SettlementTelemetry>();
        services.AddSingleton<OrderPricing>();
        services.AddSingleton<SettlementReconciliation>();
        services.AddSingleton<SettlementIngestion>();
        services.AddSingleton<SettlementRetry>();
        services.AddSingleton<RejectedReports>();
        services.AddSingleton<SettlementQueries>();
        services.AddGaugeSampler<MismatchSampler>();
        return builder;
    }

    /// <summary>gRPC (Settlements, health, reflection), the Amazon report intake, the operators' API and the messaging endpoints.</summary>
    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcDefaults();
        app.MapMessagingEndpoints();
        app.MapGrpcService<SettlementsGrpcService>();
        app.MapAmazonSettlementsApi();
        app.MapSettlementsAdminApi();
        return app;
    }
}
