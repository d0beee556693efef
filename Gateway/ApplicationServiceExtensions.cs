using Distribution.Aspire.Gateway.Topology;
using Distribution.Aspire.ServiceDefaults.Persistence;

namespace Distribution.Aspire.Gateway;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "gatewaydb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);
        builder.AddRedisClient(RedisName);
        builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.SectionName));
        builder.AddBackendHealthClients();
        return builder;
    }
}
