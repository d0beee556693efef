using Distribution.Aspire.Messaging;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;

namespace Distribution.Aspire.FulfillmentService;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "fulfillmentdb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.AddMessaging();
        return builder;
    }
}
