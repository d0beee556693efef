using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Distribution.Aspire.EndToEnd.Tests;

[Collection(TopologyCollection.Name)]
public sealed class TopologyTests(TopologyFixture topology)
{
    private static readonly string[] Databases =
        ["gatewaydb", "ordersdb", "inventorydb", "fulfillmentdb", "settlementdb", "amazondb", "shopifydb", "threepldb", "erpdb"];

    [Fact]
    public void Every_resource_becomes_healthy_within_a_minute()
    {
        TestContext.Current.SendDiagnosticMessage($"Topology healthy after {topology.TimeToHealthy.TotalSeconds:0.0} s");

        Assert.True(topology.TimeToHealthy < TimeSpan.FromSeconds(60), $"healthy after {topology.TimeToHealthy}");
        foreach (var name in TopologyFixture.Resources)
        {
            Assert.True(topology.App.ResourceNotifications.TryGetCurrentState(name, out var state), name);
            Assert.Equal("Running", state!.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, state.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public async Task Gateway_answers_health_on_its_fixed_port()
    {
        using var client = topology.CreateGatewayClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.True(response.Headers.Contains("X-Correlation-Id"));
    }

    [Fact]
    public async Task Gateway_reaches_every_backend_over_grpc_through_service_discovery()
    {
        using var client = topology.CreateGatewayClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/services");
        request.Headers.Add("X-Admin-Key", TopologyFixture.AdminKey);
        request.Headers.Add("X-Correlation-Id", "e2e-topology");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var services = report.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString());
        Assert.Equal(8, services.Count);
        Assert.All(services, service => Assert.Equal("serving", service.Value));
        Assert.True(report.GetProperty("allServing").GetBoolean());
        Assert.Equal("e2e-topology", Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task Admin_routes_refuse_a_missing_or_wrong_key(string? key)
    {
        using var client = topology.CreateGatewayClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/services");
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
        Assert.False(problem.TryGetProperty("services", out _));
    }

    [Fact]
    public async Task Unknown_path_at_the_gateway_is_a_404_problem()
    {
        using var client = topology.CreateGatewayClient();

        using var response = await client.GetAsync("/v2/orders", TestContext.Current.CancellationToken);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Every_service_has_the_event_backbone_tables_and_an_empty_dead_letter_list()
    {
        foreach (var database in Databases.Where(d => d != "gatewaydb"))
        {
            var connectionString = await topology.App.GetConnectionStringAsync(database, TestContext.Current.CancellationToken);
            await using var dataSource = NpgsqlDataSource.Create(connectionString!);
            await using var command = dataSource.CreateCommand("SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations WHERE scope = 'messaging'");

            Assert.Equal("1,2", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task The_replay_dead_letters_command_runs_against_each_service()
    {
        var commands = topology.App.Services.GetRequiredService<ResourceCommandService>();

        var result = await commands.ExecuteCommandAsync("orderservice", "replay-dead-letters", TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Message);
        Assert.Contains("\"replayed\":0", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_service_database_exists_and_is_migrated()
    {
        foreach (var database in Databases)
        {
            var connectionString = await topology.App.GetConnectionStringAsync(database, TestContext.Current.CancellationToken);
            await using var dataSource = NpgsqlDataSource.Create(connectionString!);
            await using var command = dataSource.CreateCommand("SELECT min(version) FROM schema_migrations");

            Assert.Equal(1, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }
    }
}
