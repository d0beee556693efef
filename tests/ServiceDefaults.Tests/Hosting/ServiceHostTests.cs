using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Tests.Hosting;

/// <summary>A service host as the services build it, over real HTTP, with real Postgres and Redis.</summary>
public sealed class ServiceHostTests(TestServers servers)
{
    [Fact]
    public async Task Health_is_ready_with_postgres_and_redis_reachable()
    {
        await using var app = await StartServiceAsync(await servers.CreateDatabaseAsync("host"), servers.RedisConnectionString);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("PostgreSql").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("StackExchange.Redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_fails_but_liveness_holds_when_redis_is_down()
    {
        // Migrations need Postgres, so the outage is Redis's: a closed port nothing listens on.
        var deadRedis = $"127.0.0.1:{FreePort.Next()},abortConnect=false,connectTimeout=500";
        await using var app = await StartServiceAsync(await servers.CreateDatabaseAsync("host"), deadRedis);
        using var client = app.CreateClient();

        using var ready = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("StackExchange.Redis").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task Grpc_port_serves_the_standard_health_service_over_http2_without_tls()
    {
        await using var app = await StartServiceAsync(await servers.CreateDatabaseAsync("host"), servers.RedisConnectionString);
        using var channel = GrpcChannel.ForAddress(app.GrpcAddress);

        var reply = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Http_port_speaks_http1_for_probes_and_json()
    {
        await using var app = await StartServiceAsync(await servers.CreateDatabaseAsync("host"), servers.RedisConnectionString);
        using var client = app.CreateClient();
        client.DefaultRequestVersion = HttpVersion.Version11;
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
    }

    [Fact]
    public async Task Takes_no_traffic_until_its_migrations_are_applied()
    {
        var connectionString = await servers.CreateDatabaseAsync("host");
        var app = TestWebApp.Build(Settings(connectionString, servers.RedisConnectionString), ConfigureService, ConfigureServiceApp, out var httpPort, out _);
        try
        {
            // Migration 0002 sleeps a second, so a server that opened early would be caught answering.
            var starting = app.StartAsync(TestContext.Current.CancellationToken);
            var firstAnswer = await FirstAnswerAsync(httpPort, TimeSpan.FromSeconds(30));

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
            Assert.Equal(2L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
            Assert.True(firstAnswer > TimeSpan.FromSeconds(1), $"answered after {firstAnswer}, before the 1 s migration could finish");
            await starting;
        }
        finally
        {
            await app.StopAsync(TestContext.Current.CancellationToken);
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Does_not_start_on_a_database_it_cannot_migrate()
    {
        var connectionString = await servers.CreateDatabaseAsync("host");
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            // Someone edited an applied migration: version 1 is recorded with another checksum.
            await new DatabaseMigrator(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseMigrator>.Instance)
                .MigrateAsync([MigrationCatalog.Create(1, "create_widgets", "CREATE TABLE widgets (widget_id integer)")], TestContext.Current.CancellationToken);
        }

        var app = TestWebApp.Build(Settings(connectionString, servers.RedisConnectionString), ConfigureService, ConfigureServiceApp, out _, out _);
        await using (app)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));
            Assert.Contains("0001_create_widgets was changed after it was applied", error.Message, StringComparison.Ordinal);
        }
    }

    internal static Dictionary<string, string?> Settings(string postgres, string redis) => new()
    {
        ["ConnectionStrings:testdb"] = postgres,
        ["ConnectionStrings:redis"] = redis,
        ["Database:MigrationTimeoutSeconds"] = "5",
    };

    internal static void ConfigureService(WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddGrpcDefaults();
        builder.AddServiceDatabase("testdb", typeof(ServiceHostTests).Assembly);
        builder.AddRedisClient("redis");
    }

    internal static void ConfigureServiceApp(WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapGrpcDefaults();
    }

    private static Task<TestWebApp> StartServiceAsync(string postgres, string redis) =>
        TestWebApp.StartAsync(Settings(postgres, redis), ConfigureService, ConfigureServiceApp);

    private static async Task<TimeSpan> FirstAnswerAsync(int port, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        while (clock.Elapsed < limit)
        {
            try
            {
                using var response = await client.GetAsync("/alive");
                return clock.Elapsed;
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException($"The service did not answer within {limit}.");
    }
}
