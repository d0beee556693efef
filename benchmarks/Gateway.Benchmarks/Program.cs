using System.Net;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

// The "bare YARP" baseline of benchmarks/gateway.sh: the same proxy library forwarding the same route to the
// same destination, with no policies, no telemetry and no middleware. With --WithServiceDefaults true it is the
// same proxy inside the platform's host defaults (OpenTelemetry, correlation id, problem details, health
// endpoints), so the gateway's policies can be told apart from what every host of the platform pays.
// Usage: --urls http://127.0.0.1:PORT --Destination http://127.0.0.1:PORT [--WithServiceDefaults true]
var flag = Array.IndexOf(args, "--WithServiceDefaults");
var withDefaults = flag >= 0 && flag + 1 < args.Length && args[flag + 1] == "true";
var builder = withDefaults ? WebApplication.CreateBuilder(args) : WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (withDefaults)
{
    builder.AddServiceDefaults();
}

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
if (withDefaults)
{
    app.MapDefaultEndpoints();
}

app.MapReverseProxy();
app.Run();
