using Microsoft.Extensions.Configuration;

namespace Distribution.Aspire.AppHost;

public static class ThreePLWiring
{
    /// <summary>The sandbox's 3PL as the adapter knows it (and as the gateway must register it, kind 3pl, scope 3pl).</summary>
    public const string SandboxPartnerId = "sandbox-3pl";

    /// <summary>
    /// The 3PL adapter calls Fulfillment and Inventory over gRPC and sends 940s to the sandbox 3PL (all by service
    /// discovery); the sandbox posts its 945/856/846 and tracking events to the gateway's /partners/3pl/... with the
    /// partner's API key (<c>Sandbox:ThreePL:ApiKey</c> and optional <c>Sandbox:ThreePL:SigningSecret</c> in the
    /// AppHost's configuration, or later through the sandbox's <c>PUT /sandbox/3pl/credentials</c>).
    /// </summary>
    public static void WireThreePL(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> adapter,
        IResourceBuilder<ExecutableResource> fulfillmentService,
        IResourceBuilder<ExecutableResource> inventoryService,
        IResourceBuilder<ExecutableResource> sandbox)
    {
        const string Partner = $"ThreePL__Partners__{SandboxPartnerId}__";
        adapter.WithReference(fulfillmentService.GetEndpoint("grpc"))
            .WithReference(inventoryService.GetEndpoint("grpc"))
            .WithReference(sandbox.GetEndpoint("http"))
            .WithEnvironment("ThreePL__FulfillmentAddress", "http://_grpc.fulfillmentservice")
            .WithEnvironment("ThreePL__InventoryAddress", "http://_grpc.inventoryservice")
            .WithEnvironment(Partner + "Format", "x12")
            .WithEnvironment(Partner + "InterchangeId", "SANDBOX3PL")
            .WithEnvironment(Partner + "EdiUrl", "http://_http.sandbox/sandbox/3pl/edi")
            .WithEnvironment(Partner + "DefaultLocation", "3pl-sandbox")
            .WithEnvironment(Partner + "Locations__SBX1", "3pl-sandbox");

        // Fulfillment routes the stock held at the sandbox 3PL's location to that partner (docs/fulfillment.md).
        fulfillmentService.WithEnvironment("Fulfillment__Nodes__3pl-sandbox__Kind", "3pl")
            .WithEnvironment("Fulfillment__Nodes__3pl-sandbox__PartnerId", SandboxPartnerId);

        var gatewayPort = builder.Configuration.GetValue("Gateway:Port", 5080);
        sandbox.WithEnvironment("Sandbox__ThreePL__GatewayUrl", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://localhost:{gatewayPort}"))
            .WithEnvironment("Sandbox__ThreePL__ApiKey", builder.Configuration["Sandbox:ThreePL:ApiKey"] ?? string.Empty)
            .WithEnvironment("Sandbox__ThreePL__SigningSecret", builder.Configuration["Sandbox:ThreePL:SigningSecret"] ?? string.Empty);
    }
}
