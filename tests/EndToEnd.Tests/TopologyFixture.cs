using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.EndToEnd.Tests;

/// <summary>The whole topology, started once for the tests that share it, in local infrastructure mode.</summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public const string AdminKey = "e2e-admin-key";

    public static readonly string[] Resources =
    [
        "postgres", "redis-server", "gateway", "sandbox", "orderservice", "inventoryservice", "fulfillmentservice",
        "settlementservice", "amazon-adapter", "shopify-adapter", "threepl-adapter", "erp-adapter", "operations",
    ];

    private readonly string _dataDirectory = TestDataDirectory.Create("da-e2e");

    public DistributedApplication App { get; private set; } = null!;

    public int GatewayPort { get; } = FreePort.Next();

    public TimeSpan TimeToHealthy { get; private set; }

    public HttpClient CreateGatewayClient() => new() { BaseAddress = new Uri($"http://localhost:{GatewayPort}") };

    public async ValueTask InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", $"--Infrastructure:DataDirectory={_dataDirectory}", $"--Gateway:Port={GatewayPort}", $"--Gateway:AdminKey={AdminKey}"]);

        // The testing builder points exporters at a collector that is not there; flushing to it on
        // shutdown costs seconds per service.
        foreach (var project in builder.Resources.OfType<ExecutableResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        App = await builder.BuildAsync();
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(timeout.Token);
        await Task.WhenAll(Resources.Select(name => App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        TimeToHealthy = clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        TestDataDirectory.Delete(_dataDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class TopologyCollection : ICollectionFixture<TopologyFixture>
{
    public const string Name = "topology";
}
