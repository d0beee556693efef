using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Contracts.Inventory.V1;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Distribution.Aspire.InventoryService.Tests;

/// <summary>An event the service published, as read back from the Redis stream.</summary>
public sealed record PublishedEvent(string Type, JsonElement Data);

/// <summary>One InventoryService replica running in-process on real Postgres, Redis, HTTP/1.1 and HTTP/2.</summary>
public sealed class InventoryHost : IAsyncDisposable
{
    public const string AdminKey = "inventory-admin";

    private readonly GrpcChannel _channel;

    private InventoryHost(TestWebApp app, string keyPrefix)
    {
        App = app;
        KeyPrefix = keyPrefix;
        _channel = GrpcChannel.ForAddress(app.GrpcAddress);
        Grpc = new Inventory.InventoryClient(_channel);
        Admin = app.CreateClient();
        Admin.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
    }

    public TestWebApp App { get; }

    public string KeyPrefix { get; }

    public Inventory.InventoryClient Grpc { get; }

    public HttpClient Admin { get; }

    public NpgsqlDataSource Database => App.App.Services.GetRequiredService<NpgsqlDataSource>();

    public IConnectionMultiplexer Redis => App.App.Services.GetRequiredService<IConnectionMultiplexer>();

    public static async Task<InventoryHost> StartAsync(
        string connectionString, string redis, string keyPrefix, string consumer = "replica-1", IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            // Two replicas and parallel test classes share one server; a bounded pool keeps them under max_connections.
            // Callers queue for it: 200 reservations of one SKU run one after another, which on a loaded
            // 2-core machine takes longer than the default 15 s wait for a connection.
            ["ConnectionStrings:inventorydb"] = connectionString + ";Maximum Pool Size=40;Timeout=60",
            ["ConnectionStrings:redis"] = redis,
            ["OTEL_SERVICE_NAME"] = "inventoryservice",
            ["Messaging:KeyPrefix"] = keyPrefix,
            ["Messaging:ConsumerName"] = consumer,
            ["Messaging:MaxDeliveries"] = "3",
            ["Messaging:RetryBaseDelayMilliseconds"] = "20",
            ["Messaging:PartitionLeaseSeconds"] = "3",
            ["Inventory:CacheKeyPrefix"] = keyPrefix,
            ["Admin:Key"] = AdminKey,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestWebApp.StartAsync(
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapApplicationEndpoints();
            });
        return new InventoryHost(app, keyPrefix);
    }

    public HttpClient PartnerClient(string channel, string partnerId = "partner-1")
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Partner-Id", partnerId);
        client.DefaultRequestHeaders.Add("X-Partner-Channel", channel);
        return client;
    }

    public async Task CreateLocationAsync(string locationId, int? rank = null, string kind = "warehouse")
    {
        using var response = await Admin.PostAsJsonAsync("/admin/locations", new { locationId, kind, rank });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> AdjustAsync(string sku, string locationId, int delta, string reason = "receipt")
    {
        using var response = await Admin.PostAsJsonAsync("/admin/inventory/adjustments", new { sku, locationId, delta, reason });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task PublishAsync<TEvent>(TEvent @event) where TEvent : IIntegrationEvent
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await App.App.Services.GetRequiredService<IEventBus>().PublishAsync(@event, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>Events published in one transaction.</summary>
    public async Task PublishAllAsync<TEvent>(IEnumerable<TEvent> events) where TEvent : IIntegrationEvent
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var bus = App.App.Services.GetRequiredService<IEventBus>();
        foreach (var @event in events)
        {
            await bus.PublishAsync(@event, transaction);
        }

        await transaction.CommitAsync();
    }

    /// <summary>Every event on the inventory topic, partition by partition, each partition in publication order.</summary>
    public async Task<List<PublishedEvent>> EventsAsync(string? type = null)
    {
        var events = new List<PublishedEvent>();
        for (var partition = 0; partition < 4; partition++)
        {
            foreach (var entry in await Redis.GetDatabase().StreamRangeAsync(StreamNames.For(KeyPrefix, "inventory", partition), "-", "+"))
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

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>(on hand, reserved, safety stock) per location of a SKU.</summary>
    public async Task<Dictionary<string, (int OnHand, int Reserved, int SafetyStock)>> PositionsAsync(string sku)
    {
        await using var command = Database.CreateCommand("SELECT location_id, on_hand, reserved, safety_stock FROM positions WHERE sku = @sku");
        command.Parameters.AddWithValue("sku", sku);
        await using var reader = await command.ExecuteReaderAsync();
        var positions = new Dictionary<string, (int, int, int)>();
        while (await reader.ReadAsync())
        {
            positions[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
        }

        return positions;
    }

    /// <summary>The ledger explains every position: per (sku, location) its deltas sum to the position.</summary>
    public async Task AssertLedgerMatchesPositionsAsync()
    {
        var mismatches = await ScalarAsync<long>(
            """
            SELECT count(*) FROM positions p
            FULL JOIN (SELECT sku, location_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved, sum(safety_stock_delta) AS safety
                       FROM ledger GROUP BY sku, location_id) l USING (sku, location_id)
            WHERE coalesce(p.on_hand, 0) <> coalesce(l.on_hand, 0) OR coalesce(p.reserved, 0) <> coalesce(l.reserved, 0)
               OR coalesce(p.safety_stock, 0) <> coalesce(l.safety, 0)
            """);
        Assert.Equal(0, mismatches);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        Admin.Dispose();
        await App.DisposeAsync();
    }
}
