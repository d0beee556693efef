using System.Diagnostics;
using Distribution.Aspire.Gateway.Admin;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.ClientFactory;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Gateway.Topology;

public static class TopologyApi
{
    public static IEndpointRouteBuilder MapTopologyApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGatewayAdminGroup().MapGet("/services", GetServicesAsync).WithName("GetBackendServices");
        return endpoints;
    }

    /// <summary>Asks every backend's gRPC health service at once; a slow or dead one costs at most the deadline.</summary>
    public static async Task<Ok<TopologyReport>> GetServicesAsync(
        HttpContext context, IOptionsSnapshot<GatewayOptions> options, CancellationToken cancellationToken)
    {
        // The client factory exists only once a backend's client was registered.
        var backends = options.Value.Backends;
        var clients = backends.Count == 0 ? null : context.RequestServices.GetRequiredService<GrpcClientFactory>();
        var deadline = TimeSpan.FromSeconds(options.Value.BackendHealthTimeoutSeconds);
        var statuses = await Task.WhenAll(backends.Select(name => CheckAsync(clients!, name, deadline, cancellationToken)));
        return TypedResults.Ok(new TopologyReport(statuses.All(s => s.Status == "serving"), statuses));
    }

    private static async Task<BackendStatus> CheckAsync(GrpcClientFactory clients, string name, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var client = clients.CreateClient<Health.HealthClient>(name);
            var reply = await client.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(deadline), cancellationToken: cancellationToken);
            var status = reply.Status == HealthCheckResponse.Types.ServingStatus.Serving ? "serving" : "not_serving";
            return new BackendStatus(name, status, Elapsed(started), null);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            return new BackendStatus(name, "timed_out", Elapsed(started), $"no answer within {deadline.TotalSeconds:0.#} s");
        }
        catch (RpcException ex)
        {
            return new BackendStatus(name, "unreachable", Elapsed(started), ex.StatusCode.ToString());
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
}
