using Distribution.Aspire.Gateway.Admin;
using Distribution.Aspire.Gateway.Partners;
using Distribution.Aspire.Gateway.Routing;
using Distribution.Aspire.Gateway.Topology;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway;

public static class ApplicationServiceExtensions
{
    public const string DatabaseName = "gatewaydb";
    public const string RedisName = "redis";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(DatabaseName, typeof(ApplicationServiceExtensions).Assembly);

        // The rate limiter falls back to local limits when Redis is down; commands must fail at once then,
        // not queue behind a reconnect.
        builder.AddRedisClient(RedisName, configureOptions: redis =>
        {
            redis.AbortOnConnectFail = false;
            redis.BacklogPolicy = BacklogPolicy.FailFast;
        });
        builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);

        // A malformed admin request is a 400 problem in every environment (Development would otherwise throw,
        // and the exception would surface as a 500).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);

        builder.Services.AddSingleton<SecretProtector>();
        builder.Services.AddSingleton<PartnerStore>();
        builder.Services.AddSingleton<PartnerDirectory>();
        builder.Services.AddHostedService<PartnerChangeSubscriber>();

        builder.AddBackendHealthClients();
        builder.AddServiceAdminClient();
        builder.AddPartnerProxy();
        return builder;
    }
}
