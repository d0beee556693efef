namespace Distribution.Aspire.AppHost;

public static class StartupBanner
{
    /// <summary>Says where to go once the gateway (the last thing to come up) is healthy.</summary>
    public static IResourceBuilder<ExecutableResource> WithStartupBanner(this IResourceBuilder<ExecutableResource> gateway)
    {
        var configuration = gateway.ApplicationBuilder.Configuration;
        var started = DateTimeOffset.UtcNow;
        gateway.OnResourceReady((resource, _, _) =>
        {
            var dashboard = (configuration["ASPNETCORE_URLS"] ?? "http://localhost:15888").Split(';')[0];
            var endpoint = resource.GetEndpoint("http");
            Console.WriteLine(
                $"""

                Distribution.Aspire is up ({(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s).
                  Gateway:   http://localhost:{endpoint.Port}
                  Operators: http://localhost:{endpoint.Port}/ops (sign in with the gateway admin key)
                  Dashboard: {dashboard}
                Press Ctrl+C to stop every service, Postgres and Redis.

                """);
            return Task.CompletedTask;
        });
        return gateway;
    }
}
