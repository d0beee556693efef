using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.AppHost.Tests;

/// <summary>The composed model in local mode, inspected without starting anything.</summary>
public sealed class TopologyModelTests
{
    private static readonly string[] Services =
        ["orderservice", "inventoryservice", "fulfillmentservice", "settlementservice", "amazon-adapter", "shopify-adapter", "threepl-adapter", "erp-adapter"];

    [Fact]
    public async Task Local_mode_runs_postgres_and_redis_as_executables_with_a_database_per_service()
    {
        await using var builder = await CreateLocalBuilderAsync(FreePort.Next());

        var resources = builder.Resources;
        Assert.IsType<ExecutableResource>(resources.Single(r => r.Name == "postgres"));
        Assert.IsType<ExecutableResource>(resources.Single(r => r.Name == "redis-server"));
        var connectionStrings = resources.OfType<ConnectionStringResource>().Select(r => r.Name).Order().ToList();
        Assert.Equal(
            ["amazondb", "erpdb", "fulfillmentdb", "gatewaydb", "inventorydb", "ordersdb", "redis", "settlementdb", "shopifydb", "threepldb"],
            connectionStrings);
    }

    [Fact]
    public async Task Every_service_waits_for_postgres_and_redis_and_has_http_and_grpc_endpoints()
    {
        await using var builder = await CreateLocalBuilderAsync(FreePort.Next());

        foreach (var name in Services.Append("gateway"))
        {
            var project = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == name);
            var waitsFor = project.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet();
            Assert.Contains("postgres", waitsFor);
            Assert.Contains("redis-server", waitsFor);
            Assert.Contains(project.Annotations.OfType<HealthCheckAnnotation>(), _ => true);

            var endpoints = project.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
            Assert.Contains("http", endpoints.Keys);
            if (name != "gateway")
            {
                Assert.Equal("http2", endpoints["grpc"].Transport);
                Assert.Contains(project.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "replay-dead-letters");
            }
        }
    }

    [Fact]
    public async Task Gateway_listens_on_its_configured_port_without_a_proxy_and_does_not_wait_for_backends()
    {
        var port = FreePort.Next();
        await using var builder = await CreateLocalBuilderAsync(port);

        var gateway = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == "gateway");
        var http = gateway.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");

        Assert.Equal(port, http.Port);
        Assert.Equal(port, http.TargetPort);
        Assert.False(http.IsProxied);
        Assert.DoesNotContain(gateway.Annotations.OfType<WaitAnnotation>(), w => Services.Contains(w.Resource.Name));
    }

    [Fact]
    public async Task Gateway_gets_every_services_http_endpoint_the_service_admin_key_and_a_lasting_secrets_key()
    {
        await using var builder = await CreateLocalBuilderAsync(FreePort.Next());

        var gateway = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == "gateway");
        var environment = await EnvironmentAsComposedAsync(gateway);

        Assert.All(Services, name => Assert.Contains($"services__{name}__http__0", environment.Keys));
        Assert.Equal("model-test-key", environment["Gateway__ServiceAdminKey"]);
        var secretsKey = Assert.IsType<string>(environment["Gateway__SecretsKey"]);
        Assert.Equal(32, Convert.FromBase64String(secretsKey).Length);
        await using var again = await CreateLocalBuilderAsync(FreePort.Next());
        var sameGateway = again.Resources.OfType<ExecutableResource>().Single(r => r.Name == "gateway");
        Assert.Equal(secretsKey, (await EnvironmentAsComposedAsync(sameGateway))["Gateway__SecretsKey"]);
    }

    [Fact]
    public async Task The_operations_console_is_a_gateway_backend_that_knows_the_admin_key_and_reads_orders_and_shipments()
    {
        await using var builder = await CreateLocalBuilderAsync(FreePort.Next());

        var operations = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == "operations");
        var gateway = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == "gateway");
        var environment = await EnvironmentAsComposedAsync(operations);

        Assert.Equal("model-test-key", environment["Gateway__AdminKey"]);
        Assert.Contains("services__gateway__http__0", environment.Keys);
        Assert.Contains("services__orderservice__grpc__0", environment.Keys);
        Assert.Contains("services__fulfillmentservice__grpc__0", environment.Keys);
        Assert.Contains("services__operations__http__0", (await EnvironmentAsComposedAsync(gateway)).Keys);
        Assert.Contains(operations.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
    }

    [Fact]
    public async Task Every_dotnet_process_of_a_run_uses_workstation_gc_and_no_dynamic_pgo()
    {
        await using var builder = await CreateLocalBuilderAsync(FreePort.Next());

        foreach (var name in Services.Concat(["gateway", "operations", "sandbox"]))
        {
            var resource = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == name);
            var environment = await EnvironmentAsComposedAsync(resource);
            Assert.Equal("0", environment["DOTNET_gcServer"]);
            Assert.Equal("0", environment["DOTNET_TieredPGO"]);
        }
    }

    [Fact]
    public async Task Without_a_dapr_runtime_services_keep_the_redis_streams_transport()
    {
        await using var builder = await CreateLocalBuilderAsync(FreePort.Next(), "--Dapr:DaprdPath=");

        Assert.DoesNotContain(builder.Resources, r => r.Name.EndsWith("-dapr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_dapr_runtime_every_service_gets_a_sidecar_and_the_dapr_transport()
    {
        var daprd = Path.Combine(Directory.CreateTempSubdirectory().FullName, "daprd");
        await File.WriteAllTextAsync(daprd, "#!/bin/sh\nexec sleep 3600\n", TestContext.Current.CancellationToken);

        await using var builder = await CreateLocalBuilderAsync(FreePort.Next(), $"--Dapr:DaprdPath={daprd}");

        foreach (var name in Services)
        {
            var sidecar = Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == $"{name}-dapr"));
            Assert.Equal(daprd, sidecar.Command);
            var service = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == name);
            var environment = await EnvironmentAsComposedAsync(service);
            Assert.Equal("Dapr", environment["Messaging__Transport"]);
            Assert.StartsWith("http://127.0.0.1:", Assert.IsType<string>(environment["DAPR_GRPC_ENDPOINT"]), StringComparison.Ordinal);
        }
    }

    /// <summary>The variables the resource's callbacks set, unevaluated (ports are not allocated without a run).</summary>
    private static async Task<Dictionary<string, object>> EnvironmentAsComposedAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), resource, [], TestContext.Current.CancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.EnvironmentVariables;
    }

    private static async Task<IDistributedApplicationTestingBuilder> CreateLocalBuilderAsync(int gatewayPort, params string[] extra) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=local", $"--Gateway:Port={gatewayPort}", "--Gateway:AdminKey=model-test-key",
             $"--Infrastructure:DataDirectory={Path.Combine(Path.GetTempPath(), "da-model-test")}", .. extra],
            TestContext.Current.CancellationToken);
}
