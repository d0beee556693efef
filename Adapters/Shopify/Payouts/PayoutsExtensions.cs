using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Shopify.Payouts;

public static class PayoutsExtensions
{
    /// <summary>The payouts poller, the forwarder the outbound worker uses for queued payouts, and the settlement service's gRPC client.</summary>
    public static IHostApplicationBuilder AddShopifyPayouts(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<PayoutOptions>(builder.Configuration.GetSection(PayoutOptions.SectionName));
        services.AddSingleton<PayoutForwarder>();
        services.AddSingleton<PayoutPoller>();
        services.AddHostedService(provider => provider.GetRequiredService<PayoutPoller>());
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        // The outbound queue retries with its own back-off; a second layer of retries would hold the worker.
        services.AddGrpcClient<Contracts.Settlements.V1.Settlements.SettlementsClient>((provider, client) =>
            client.Address = provider.GetRequiredService<IOptions<PayoutOptions>>().Value.SettlementsAddress).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
