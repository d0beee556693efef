namespace Distribution.Aspire.AppHost;

public static class SettlementWiring
{
    /// <summary>
    /// The settlement service reads order prices from the order service over gRPC; the Shopify adapter forwards Shopify
    /// Payments payouts to the settlement service over gRPC (both by service discovery). Amazon settlement reports reach
    /// it through the gateway's <c>/partners/amazon/settlements</c>.
    /// </summary>
    public static void WireSettlements(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ExecutableResource> settlementService,
        IResourceBuilder<ExecutableResource> orderService,
        IResourceBuilder<ExecutableResource> shopifyAdapter)
    {
        settlementService.WithReference(orderService.GetEndpoint("grpc"))
            .WithEnvironment("Settlements__OrdersAddress", "http://_grpc.orderservice");
        shopifyAdapter.WithReference(settlementService.GetEndpoint("grpc"))
            .WithEnvironment("Shopify__Payouts__SettlementsAddress", "http://_grpc.settlementservice");
    }
}
