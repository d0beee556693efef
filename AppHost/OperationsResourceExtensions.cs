namespace Distribution.Aspire.AppHost;

public static class OperationsResourceExtensions
{
    /// <summary>
    /// The operators' console: a backend of the gateway at <c>/ops</c>, signing operators in with the gateway's admin
    /// key and reading through the gateway's admin API (exceptions, dead letters, partners) and the order and
    /// fulfillment services' gRPC APIs (an order's timeline).
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddOperationsConsole(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ExecutableResource> orderService, IResourceBuilder<ExecutableResource> fulfillmentService) =>
        builder.AddDotnetService<Projects.Operations>("operations")
            .WithEnvironment("Gateway__AdminKey", builder.GetOrCreateAdminKey())
            .WithReference(orderService.GetEndpoint("grpc"))
            .WithReference(fulfillmentService.GetEndpoint("grpc"));

    /// <summary>The gateway routes <c>/ops</c> to the console, and the console calls the gateway's admin API.</summary>
    public static IResourceBuilder<ExecutableResource> WithOperationsConsole(
        this IResourceBuilder<ExecutableResource> gateway, IResourceBuilder<ExecutableResource> operations)
    {
        gateway.WithReference(operations.GetEndpoint("http"));
        operations.WithReference(gateway.GetEndpoint("http"));
        return gateway;
    }
}
