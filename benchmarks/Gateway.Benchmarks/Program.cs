using System.Net;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// The "bare YARP" baseline of benchmarks/gateway.sh: the same proxy library forwarding the same route to the
// same destination, with no policies, no telemetry and no middleware. Usage: --urls http://127.0.0.1:PORT --Destination http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "orders", ClusterId = "destination", Match = new RouteMatch { Path = "/v1/orders/{**rest}" } }],
    [
        new ClusterConfig
        {
            ClusterId = "destination",
            Destinations = new Dictionary<string, DestinationConfig> { ["destination"] = new() { Address = builder.Configuration["Destination"]! } },
            HttpRequest = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower },
        },
    ]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
