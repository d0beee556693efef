using Distribution.Aspire.Contracts.Events.Fulfillment;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.InventoryService.Admin;
using Distribution.Aspire.InventoryService.Availability;
using Distribution.Aspire.InventoryService.Backorders;
using Distribution.Aspire.InventoryService.Grpc;
using Distribution.Aspire.InventoryService.Items;
using Distribution.Aspire.InventoryService.OrderEvents;
using Distribution.Aspire.InventoryService.Reservations;
using Distribution.Aspire.InventoryService.Returns;
using Distribution.Aspire.InventoryService.Stock;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Consuming;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;

namespace Distribution.Aspire.InventoryService;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "inventorydb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);

        var services = builder.Services;

        services.Configure<InventoryOptions>(builder.Configuration.GetSection(InventoryOptions.SectionName));
        services.AddSingleton<InventoryTelemetry>();
        services.AddSingleton<InventoryTransactions>();
        services.AddSingleton<ReservationService>();
        services.AddSingleton<StockService>();
        services.AddSingleton<ItemCatalog>();
        services.AddSingleton<AvailabilityCache>();
        services.AddSingleton<AvailabilityReader>();
        services.AddSingleton<BackorderSignal>();
        services.AddSingleton<IBatchRowLocks, PositionLocks>();
        services.AddHostedService<AvailabilityPublisher>();
        services.AddHostedService<BackorderFiller>();

        builder.AddMessaging()
            .AddEventHandler<OrderReceived, OrderReceivedHandler>()
            .AddEventHandler<OrderCancelled, OrderCancelledHandler>()
            .AddEventHandler<OrderShipped, OrderShippedHandler>()
            .AddEventHandler<ReturnReceived, ReturnReceivedHandler>();
        return builder;
    }

    /// <summary>gRPC (Inventory, health, reflection), the partner and operator JSON APIs, and the messaging endpoints.</summary>
    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapGrpcDefaults();
        app.MapGrpcService<InventoryGrpcService>();
        app.MapMessagingEndpoints();
        app.MapAvailabilityApi();
        app.MapInventoryAdminApi();
        return app;
    }
}
