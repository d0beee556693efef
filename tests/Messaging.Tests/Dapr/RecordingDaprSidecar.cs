using System.Collections.Concurrent;
using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Distribution.Aspire.TestInfrastructure;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Messaging.Tests.Dapr;

/// <summary>
/// A stand-in for the Dapr sidecar's gRPC API (<c>dapr.proto.runtime.v1.Dapr</c>) on a free loopback port,
/// HTTP/2 only like daprd's gRPC listener. It implements <c>PublishEvent</c> and records every request, so a
/// test sees exactly what the service asked the sidecar to publish. Dapr.Protos ships only the client for
/// this service, so the method is bound by hand.
/// </summary>
public sealed class RecordingDaprSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingDaprSidecar(WebApplication app, int port)
    {
        _app = app;
        GrpcAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri GrpcAddress { get; }

    public IReadOnlyList<PublishEventRequest> Published => [.. _app.Services.GetRequiredService<PublishRecorder>().Requests];

    public static async Task<RecordingDaprSidecar> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<PublishRecorder>();
        builder.Services.AddSingleton<IServiceMethodProvider<PublishRecorder>, PublishRecorderMethods>();
        var app = builder.Build();
        app.MapGrpcService<PublishRecorder>();
        await app.StartAsync();
        return new RecordingDaprSidecar(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The gRPC service: one instance (a singleton) that keeps what it was sent, in arrival order.</summary>
    internal sealed class PublishRecorder
    {
        public ConcurrentQueue<PublishEventRequest> Requests { get; } = new();

        public Task<Empty> PublishEventAsync(PublishEventRequest request, ServerCallContext context)
        {
            Requests.Enqueue(request);
            return Task.FromResult(new Empty());
        }
    }

    /// <summary>Binds <c>/dapr.proto.runtime.v1.Dapr/PublishEvent</c> to <see cref="PublishRecorder.PublishEventAsync"/>.</summary>
    internal sealed class PublishRecorderMethods : IServiceMethodProvider<PublishRecorder>
    {
        private static readonly Method<PublishEventRequest, Empty> PublishEvent = new(
            MethodType.Unary,
            "dapr.proto.runtime.v1.Dapr",
            "PublishEvent",
            Marshallers.Create(request => request.ToByteArray(), PublishEventRequest.Parser.ParseFrom),
            Marshallers.Create(response => response.ToByteArray(), Empty.Parser.ParseFrom));

        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<PublishRecorder> context) =>
            context.AddUnaryMethod(PublishEvent, [], (service, request, callContext) => service.PublishEventAsync(request, callContext));
    }
}
