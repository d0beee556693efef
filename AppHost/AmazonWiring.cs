using Microsoft.Extensions.Configuration;

namespace Distribution.Aspire.AppHost;

public static class AmazonWiring
{
    /// <summary>
    /// The Amazon adapter calls OrderService over gRPC and SP-API at the sandbox (both by service discovery);
    /// the sandbox sends its ORDER_CHANGE notifications to the gateway with the Amazon partner's API key
    /// (<c>Sandbox:Amazon:ApiKey</c> in the AppHost's configuration).
    /// </summary>
    public static void WireAmazon(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> adapter,
        IResourceBuilder<ExecutableResource> orderService,
        IResourceBuilder<ExecutableResource> sandbox)
    {
        adapter.WithReference(orderService.GetEndpoint("grpc"))
            .WithReference(sandbox.GetEndpoint("http"))
            .WithEnvironment("Amazon__OrderServiceAddress", "http://_grpc.orderservice")
            .WithEnvironment("Amazon__SpApiBaseUrl", "http://_http.sandbox");

        var gatewayPort = builder.Configuration.GetValue("Gateway:Port", 5080);
        var notificationsUrl = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://localhost:{gatewayPort}/partners/amazon/notifications");
        sandbox.WithEnvironment("Sandbox__Amazon__Notifications__Url", notificationsUrl)
            .WithEnvironment("Sandbox__Amazon__Notifications__ApiKey", builder.Configuration["Sandbox:Amazon:ApiKey"] ?? string.Empty);
    }
}
