namespace Distribution.Aspire.AppHost;

public static class ShopifyWiring
{
    /// <summary>Settings of the sandbox shop (<c>ShopifySandbox:*</c>); local simulator credentials, not secrets of a real shop.</summary>
    public const string SettingsSection = "ShopifySandbox";

    /// <summary>
    /// The Shopify adapter calls the order service over gRPC (service discovery) and the sandbox shop's Admin API with
    /// the sandbox's access token; the sandbox signs its webhooks with the app secret and sends them to the gateway's
    /// <c>/partners/shopify/webhooks</c>. The gateway verifies them once the Shopify partner is registered with the
    /// same shop domain and secret (<c>PUT /admin/partners/{id}/webhook-secret</c>).
    /// </summary>
    public static void WireShopify(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> adapter,
        IResourceBuilder<ExecutableResource> orderService,
        IResourceBuilder<ExecutableResource> sandbox,
        IResourceBuilder<ExecutableResource> gateway)
    {
        var settings = builder.Configuration.GetSection(SettingsSection);
        var shopDomain = settings["ShopDomain"] ?? "distribution-sandbox.myshopify.com";
        var accessToken = settings["AccessToken"] ?? "shpat_sandbox";
        var webhookSecret = settings["WebhookSecret"] ?? "sandbox-webhook-secret";

        adapter
            .WithReference(orderService.GetEndpoint("grpc"))
            .WithReference(sandbox.GetEndpoint("http"))
            .WithEnvironment("Shopify__OrdersAddress", "http://_grpc.orderservice")
            .WithEnvironment("Shopify__AdminBaseUrl", $"http://{sandbox.Resource.Name}/shopify/")
            .WithEnvironment("Shopify__AccessToken", accessToken);

        sandbox
            .WithEnvironment("Sandbox__Shopify__ShopDomain", shopDomain)
            .WithEnvironment("Sandbox__Shopify__AccessToken", accessToken)
            .WithEnvironment("Sandbox__Shopify__WebhookSecret", webhookSecret)
            .WithEnvironment("Sandbox__Shopify__WebhookUrl", ReferenceExpression.Create($"{gateway.GetEndpoint("http")}/partners/shopify/webhooks"));
    }
}
