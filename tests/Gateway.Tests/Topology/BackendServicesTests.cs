using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.Gateway.Tests.Topology;

/// <summary>
/// <c>GET /admin/services</c> against real destination hosts: one serving, one whose readiness fails, one
/// that is not there at all, and one that accepts connections but never answers.
/// </summary>
public sealed class BackendServicesTests(TestServers servers) : IAsyncLifetime
{
    private const string AdminKey = "test-admin-key";
    private readonly ToggleHealthCheck _sickHealth = new() { Healthy = false };
    private TestWebApp _healthy = null!;
    private TestWebApp _sick = null!;
    private GatewayFactory _gateway = null!;

    // Accepts connections and never answers: a hung backend.
    private readonly TcpListener _hung = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];

    public async ValueTask InitializeAsync()
    {
        _healthy = await StartBackendAsync(new ToggleHealthCheck { Healthy = true });
        _sick = await StartBackendAsync(_sickHealth);
        _hung.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                _held.Add(await _hung.AcceptSocketAsync());
            }
        });
        _gateway = await GatewayFactory.StartAsync(servers, new Dictionary<string, string?>
        {
            ["Gateway:AdminKey"] = AdminKey,
            ["Gateway:Backends:0"] = "healthy",
            ["Gateway:Backends:1"] = "sick",
            ["Gateway:Backends:2"] = "ghost",
            ["Gateway:Backends:3"] = "hung",
            ["Gateway:BackendHealthTimeoutSeconds"] = "3",
            ["services:hung:grpc:0"] = $"http://127.0.0.1:{((IPEndPoint)_hung.LocalEndpoint).Port}",
            ["services:healthy:grpc:0"] = _healthy.GrpcAddress.ToString(),
            ["services:sick:grpc:0"] = _sick.GrpcAddress.ToString(),
            ["services:ghost:grpc:0"] = $"http://127.0.0.1:{FreePort.Next()}",
        });
    }

    [Fact]
    public async Task Reports_each_backend_as_its_grpc_health_service_answers()
    {
        using var client = _gateway.CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);

        using var response = await client.GetAsync("/admin/services", TestContext.Current.CancellationToken);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statuses = report.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString());
        Assert.Equal("serving", statuses["healthy"]);
        Assert.Equal("not_serving", statuses["sick"]);
        Assert.Equal("unreachable", statuses["ghost"]);
        Assert.Equal("timed_out", statuses["hung"]);
        Assert.False(report.GetProperty("allServing").GetBoolean());
    }

    [Fact]
    public async Task A_backend_that_recovers_is_reported_serving_on_the_next_look()
    {
        using var client = _gateway.CreateHttpClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);

        _sickHealth.Healthy = true;
        var report = await client.GetFromJsonAsync<JsonElement>("/admin/services", TestContext.Current.CancellationToken);

        Assert.Contains(report.GetProperty("services").EnumerateArray(), s => s.GetProperty("name").GetString() == "sick" && s.GetProperty("status").GetString() == "serving");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("test-admin-key-2")]
    [InlineData("TEST-ADMIN-KEY")]
    public async Task Refuses_a_missing_or_wrong_admin_key_without_revealing_anything(string? key)
    {
        using var client = _gateway.CreateHttpClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Admin-Key", key);
        }

        using var response = await client.GetAsync("/admin/services", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.DoesNotContain("healthy", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_is_ready_with_its_database_and_redis()
    {
        using var client = _gateway.CreateHttpClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _healthy.DisposeAsync();
        await _sick.DisposeAsync();
        _hung.Stop();
        _held.ForEach(socket => socket.Dispose());
    }

    private static Task<TestWebApp> StartBackendAsync(ToggleHealthCheck health) =>
        TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddGrpcDefaults();
                builder.Services.AddHealthChecks().AddCheck("toggle", health);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGrpcDefaults();
            });

    private sealed class ToggleHealthCheck : IHealthCheck
    {
        public volatile bool Healthy;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("toggled off"));
    }
}
