using Grpc.Health.V1;

namespace Distribution.Aspire.Gateway.Topology;

public static class BackendHealthClients
{
    /// <summary>
    /// One gRPC health client per backend, addressed by service discovery (<c>http://_grpc.name</c> picks the
    /// service's HTTP/2 endpoint), so the gateway can tell operators which destinations are serving.
    /// </summary>
    public static IHostApplicationBuilder AddBackendHealthClients(this IHostApplicationBuilder builder)
    {
        var backends = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>()?.Backends ?? [];
        foreach (var backend in backends)
        {
            // A probe reports what it sees now: retrying a refused connection until the deadline would
            // turn "down" into "slow".
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
            builder.Services.AddGrpcClient<Health.HealthClient>(backend, client => client.Address = new Uri($"http://_grpc.{backend}"))
                .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        }

        return builder;
    }
}
