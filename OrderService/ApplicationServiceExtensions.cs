using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.OrderService.Api.Grpc;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Fulfillment;
using Distribution.Aspire.OrderService.Lifecycle;
using Distribution.Aspire.OrderService.Queries;
using Distribution.Aspire.OrderService.Reservations;
using Distribution.Aspire.OrderService.Sla;
using Distribution.Aspire.OrderService.Submitting;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;

namespace Distribution.Aspire.OrderService;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "ordersdb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.Services.AddGrpc().AddServiceOptions<OrdersGrpcService>(options => options.Interceptors.Add<OrderErrorInterceptor>());
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging()
            .AddEventHandler<InventoryReserved, InventoryReservedHandler>()
            .AddEventHandler<InventoryReservationFailed, InventoryReservationFailedHandler>()
            .AddEventHandler<ShipmentRequested, ShipmentRequestedHandler>()
            .AddEventHandler<ShipmentDispatched, ShipmentDispatchedHandler>()
            .AddEventHandler<ShipmentDelivered, ShipmentDeliveredHandler>();

        builder.Services.AddSingleton<OrderTelemetry>();
        builder.Services.AddSingleton<OrderSubmitter>();
        builder.Services.AddSingleton<OrderLifecycle>();
        builder.Services.AddSingleton<OrderQueries>();
        builder.Services.AddGaugeSampler<OrderAgingSampler>();
        builder.Services.AddSlaBreaches();
        return builder;
    }
}
