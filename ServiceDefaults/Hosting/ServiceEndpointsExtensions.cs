using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.ServiceDefaults.Hosting;

public static class ServiceEndpointsExtensions
{
    public const string HttpPortVariable = "HTTP_PORT";
    public const string GrpcPortVariable = "GRPC_PORT";

    /// <summary>
    /// gRPC without TLS needs a port that speaks only HTTP/2 (prior knowledge), while health probes,
    /// JSON and browsers need HTTP/1.1; so a service listens on two ports, given by the AppHost as
    /// <c>HTTP_PORT</c> and <c>GRPC_PORT</c>. Without them the usual ASPNETCORE_URLS rules apply.
    /// </summary>
    public static TBuilder ConfigureServiceEndpoints<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var httpPort = builder.Configuration.GetValue<int?>(HttpPortVariable);
        var grpcPort = builder.Configuration.GetValue<int?>(GrpcPortVariable);
        if (httpPort is null && grpcPort is null)
        {
            return builder;
        }

        var anyAddress = builder.Configuration.GetValue<bool>("DOTNET_RUNNING_IN_CONTAINER");
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            if (httpPort is int http)
            {
                Listen(kestrel, http, HttpProtocols.Http1, anyAddress);
            }

            if (grpcPort is int grpc)
            {
                Listen(kestrel, grpc, HttpProtocols.Http2, anyAddress);
            }
        });
        return builder;
    }

    private static void Listen(KestrelServerOptions kestrel, int port, HttpProtocols protocols, bool anyAddress)
    {
        if (anyAddress)
        {
            kestrel.ListenAnyIP(port, listen => listen.Protocols = protocols);
        }
        else
        {
            kestrel.ListenLocalhost(port, listen => listen.Protocols = protocols);
        }
    }
}
