using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.FulfillmentService.Api.Grpc;
using Distribution.Aspire.FulfillmentService.Api.Json;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Exceptions;
using Distribution.Aspire.FulfillmentService.Returns;
using Distribution.Aspire.FulfillmentService.Routing;
using Distribution.Aspire.FulfillmentService.Shipments;
using Distribution.Aspire.FulfillmentService.Sla;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "fulfillmentdb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.Services.AddGrpc().AddServiceOptions<FulfillmentGrpcService>(options => options.Interceptors.Add<FulfillmentErrorInterceptor>());
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<OrderAccepted, OrderAcceptedHandler>()
            .AddEventHandler<OrderCancelled, OrderCancelledHandler>();

        var services = builder.Services;
        var section = builder.Configuration.GetSection(FulfillmentOptions.SectionName);
        services.AddOptions<FulfillmentOptions>().Bind(section)
            .Validate(NodeDirectory.IsValid, "Every Fulfillment:Nodes entry must be kind warehouse, or kind 3pl with a PartnerId.")
            .ValidateOnStart();

        // Called from event handlers, which the backbone retries: a failed call should fail the handler at
        // once, not hold its transaction open through a second layer of retries.
        var ordersAddress = section.Get<FulfillmentOptions>()?.OrdersAddress ?? new FulfillmentOptions().OrdersAddress;
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        services.AddGrpcClient<OrdersProto.Orders.OrdersClient>(client => client.Address = ordersAddress).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddSingleton<FulfillmentTelemetry>();
        services.AddSingleton<OrderLookup>();
        services.AddSingleton<NodeDirectory>();
        services.AddSingleton<ExceptionDesk>();
        services.AddSingleton<ShipmentTracking>();
        services.AddSingleton<ShipmentReader>();
        services.AddSingleton<ShipmentRequests>();
        services.AddSingleton<ReturnDesk>();
        services.AddSlaBreaches();
        services.AddGaugeSampler<OverdueShipmentSampler>();
        return builder;
    }

    /// <summary>gRPC (Fulfillment, health, reflection), the operators' JSON API and the messaging endpoints.</summary>
    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcDefaults();
        app.MapMessagingEndpoints();
        app.MapGrpcService<FulfillmentGrpcService>();
        app.MapSlaBreachesApi();
        app.MapFulfillmentAdminApi();
        return app;
    }
}
