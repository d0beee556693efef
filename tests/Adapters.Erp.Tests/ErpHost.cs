using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using InventoryApp = Distribution.Aspire.InventoryService.ApplicationServiceExtensions;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>An event the adapter published, read back from its Redis stream.</summary>
public sealed record PublishedEvent(string Type, JsonElement Data);

/// <summary>
/// The ERP adapter in-process on real Postgres and Redis, talking over real HTTP to the sandbox ERP (also in-process,
/// with client-credentials authentication on), and, when asked, InventoryService in-process over real gRPC. The
/// adapter can be stopped and started again on the same ports and database.
/// </summary>
public sealed class ErpHost : IAsyncDisposable
{
    public const string AdminKey = "erp-admin";
    public const string ClientSecret = "erp-test-secret";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<WebApplicationBuilder>? _configure;
    private GrpcChannel? _inventoryChannel;

    private ErpHost(TestWebApp sandbox, TestWebApp? inventory, Dictionary<string, string?> settings, string keyPrefix, Action<WebApplicationBuilder>? configure)
    {
        Sandbox = sandbox;
        Inventory = inventory;
        _settings = settings;
        KeyPrefix = keyPrefix;
        _configure = configure;
    }

    public TestWebApp Sandbox { get; }

    public TestWebApp? Inventory { get; }

    public WebApplication Adapter { get; private set; } = null!;

    public string KeyPrefix { get; }

    public ErpSandboxState Erp => Sandbox.App.Services.GetRequiredService<ErpSandboxState>();

    public NpgsqlDataSource Database => Adapter.Services.GetRequiredService<NpgsqlDataSource>();

    public NpgsqlDataSource InventoryDatabase => Inventory!.App.Services.GetRequiredService<NpgsqlDataSource>();

    public Uri AdapterAddress => new($"http://127.0.0.1:{_settings["HTTP_PORT"]}");

    public Uri ErpApi => new(Sandbox.HttpAddress, ErpSandboxExtensions.ApiPrefix + "/");

    public Inventory.InventoryClient InventoryClient => new(_inventoryChannel ??= GrpcChannel.ForAddress(Inventory!.GrpcAddress));

    public static async Task<ErpHost> StartAsync(
        TestServers servers,
        IReadOnlyDictionary<string, string?>? adapter = null,
        IReadOnlyDictionary<string, string?>? sandbox = null,
        bool withInventory = false,
        Action<WebApplicationBuilder>? configureAdapter = null)
    {
        var sandboxSettings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Sandbox:Erp:ClientSecret"] = ClientSecret,
            ["Sandbox:Erp:Faults:HangSeconds"] = "10",
        };
        Merge(sandboxSettings, sandbox);
        var sandboxApp = await TestWebApp.StartAsync(
            sandboxSettings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddErpSandbox();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapErpSandbox();
            });

        TestWebApp? inventoryApp = null;
        if (withInventory)
        {
            var inventoryPrefix = "i" + Guid.NewGuid().ToString("N")[..8] + ":";
            inventoryApp = await TestWebApp.StartAsync(
                new Dictionary<string, string?>
                {
                    ["ConnectionStrings:inventorydb"] = await servers.CreateDatabaseAsync("erpinv") + ";Maximum Pool Size=20",
                    ["ConnectionStrings:redis"] = servers.RedisConnectionString,
                    ["Logging:LogLevel:Default"] = "Warning",
                    ["OTEL_SERVICE_NAME"] = "inventoryservice",
                    ["Messaging:KeyPrefix"] = inventoryPrefix,
                    ["Inventory:CacheKeyPrefix"] = inventoryPrefix,
                    ["Admin:Key"] = AdminKey,
                },
                builder =>
                {
                    builder.AddServiceDefaults();
                    InventoryApp.AddApplicationServices(builder);
                },
                app =>
                {
                    app.MapDefaultEndpoints();
                    InventoryApp.MapApplicationEndpoints(app);
                });
        }

        var prefix = "e" + Guid.NewGuid().ToString("N")[..8] + ":";
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:erpdb"] = await servers.CreateDatabaseAsync("erp") + ";Maximum Pool Size=20",
            ["ConnectionStrings:redis"] = servers.RedisConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["OTEL_SERVICE_NAME"] = "erp-adapter",
            ["Messaging:KeyPrefix"] = prefix,
            ["Messaging:RetryBaseDelayMilliseconds"] = "20",
            ["Messaging:PartitionLeaseSeconds"] = "3",
            ["Messaging:ConsumerName"] = "replica-1",
            ["Admin:Key"] = AdminKey,
            ["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Erp:ApiBaseUrl"] = new Uri(sandboxApp.HttpAddress, ErpSandboxExtensions.ApiPrefix + "/").ToString(),
            ["Erp:TokenUrl"] = new Uri(sandboxApp.HttpAddress, "/erp/oauth2/token").ToString(),
            ["Erp:ClientSecret"] = ClientSecret,
            ["Erp:InventoryAddress"] = inventoryApp?.GrpcAddress.ToString() ?? "http://127.0.0.1:9",
            ["Erp:PollMilliseconds"] = "100",
            ["Erp:RetryBaseMilliseconds"] = "200",
            ["Erp:RetryMaxSeconds"] = "2",
            ["Erp:LeaseSeconds"] = "5",
            ["Erp:ItemSyncIntervalSeconds"] = "0",
            ["Erp:Http:AttemptTimeoutSeconds"] = "1",
            ["Erp:Http:MaxRetryAttempts"] = "1",
            ["Erp:Http:RetryBaseDelayMilliseconds"] = "50",
            ["Erp:Http:MaxRetryAfterSeconds"] = "2",
            ["Erp:Http:CircuitBreakSeconds"] = "1",
            ["Erp:Customers:b2b"] = "C10000",
        };
        Merge(settings, adapter);
        var host = new ErpHost(sandboxApp, inventoryApp, settings, prefix, configureAdapter);
        await host.StartAdapterAsync();
        return host;
    }

    /// <summary>Starts (or restarts) the adapter on the same ports and database.</summary>
    public async Task StartAdapterAsync() => Adapter = await BuildAdapterAsync(_settings);

    /// <summary>A second replica of the adapter: same database and Redis, its own ports and consumer name. The caller disposes it.</summary>
    public Task<WebApplication> StartReplicaAsync() => BuildAdapterAsync(new Dictionary<string, string?>(_settings)
    {
        ["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Messaging:ConsumerName"] = "replica-2",
    });

    private async Task<WebApplication> BuildAdapterAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        _configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapApplicationEndpoints();
        await app.StartAsync();
        return app;
    }

    public async Task StopAdapterAsync()
    {
        await Adapter.StopAsync();
        await Adapter.DisposeAsync();
    }

    public void Faults(ErpFaults faults)
    {
        lock (Erp.Gate)
        {
            Erp.Faults = faults;
        }
    }

    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = AdapterAddress };
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    /// <summary>A client of the sandbox ERP's API with a token of its own.</summary>
    public async Task<HttpClient> ErpClientAsync()
    {
        using var tokenClient = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "distribution-erp-adapter",
            ["client_secret"] = ClientSecret,
        });
        using var response = await tokenClient.PostAsync(new Uri(Sandbox.HttpAddress, "/erp/oauth2/token"), form);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var client = new HttpClient { BaseAddress = ErpApi };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Publishes through the adapter's own outbox; the adapter consumes it like any subscriber.</summary>
    public async Task PublishAsync<TEvent>(TEvent @event) where TEvent : IIntegrationEvent
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Adapter.Services.GetRequiredService<IEventBus>().PublishAsync(@event, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>Events on the erp topic (JournalPosted, JournalRejected), every partition.</summary>
    public async Task<List<PublishedEvent>> ErpEventsAsync(string? type = null)
    {
        var redis = Adapter.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var events = new List<PublishedEvent>();
        for (var partition = 0; partition < 4; partition++)
        {
            foreach (var entry in await redis.StreamRangeAsync(StreamNames.For(KeyPrefix, "erp", partition), "-", "+"))
            {
                using var envelope = JsonDocument.Parse((byte[])entry[StreamNames.EnvelopeField]!);
                var eventType = envelope.RootElement.GetProperty("type").GetString()!;
                if (type is null || eventType == type)
                {
                    events.Add(new PublishedEvent(eventType, envelope.RootElement.GetProperty("data").Clone()));
                }
            }
        }

        return events;
    }

    public Task<List<PublishedEvent>> PostedEventsAsync() => ErpEventsAsync("distribution.erp.journal_posted.v1");

    public Task<List<PublishedEvent>> RejectedEventsAsync() => ErpEventsAsync("distribution.erp.journal_rejected.v1");

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) => await ScalarAsync<T>(Database, sql, parameters);

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public Task<string?> PostingStatusAsync(string kind, string documentNumber) =>
        ScalarAsync<string?>("SELECT status FROM postings WHERE document_type = @k AND document_number = @n", ("k", kind), ("n", documentNumber));

    public async ValueTask DisposeAsync()
    {
        await StopAdapterAsync();
        _inventoryChannel?.Dispose();
        if (Inventory is not null)
        {
            await Inventory.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
    }

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            target[key] = value;
        }
    }
}
