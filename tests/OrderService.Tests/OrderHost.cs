using System.Text.Json;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.OrderService.Api.Grpc;
using Distribution.Aspire.OrderService.Api.Json;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.ServiceDefaults.Security;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using Proto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.OrderService.Tests;

/// <summary>
/// The order service running in-process on its own database, real Redis Streams, real HTTP/1.1 (partner
/// JSON) and HTTP/2 (gRPC); one per test class, so tests use their own partner ids and channel order ids.
/// </summary>
public sealed class OrderHost(TestServers servers) : IAsyncLifetime
{
    public const string Subscription = "orderservice";
    public const string AdminKey = "test-admin-key";

    /// <summary>A partner with a one-minute release SLA (everyone else has the default).</summary>
    public const string StrictPartner = "sla-strict";

    private readonly string _keyPrefix = $"o{Guid.NewGuid():N}"[..12] + ":";
    private GrpcChannel _channel = null!;
    private ConnectionMultiplexer _redis = null!;

    public TestWebApp App { get; private set; } = null!;

    public RecordingLoggerProvider Logs { get; } = new();

    public Proto.Orders.OrdersClient Grpc { get; private set; } = null!;

    public NpgsqlDataSource Database => App.App.Services.GetRequiredService<NpgsqlDataSource>();

    public async ValueTask InitializeAsync()
    {
        var database = await servers.CreateDatabaseAsync("orders");
        App = await TestWebApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:ordersdb"] = database,
                ["ConnectionStrings:redis"] = servers.RedisConnectionString,
                ["OTEL_SERVICE_NAME"] = Subscription,
                ["Messaging:KeyPrefix"] = _keyPrefix,
                ["Messaging:MaxDeliveries"] = "3",
                ["Messaging:RetryBaseDelayMilliseconds"] = "20",
                [AdminRouteExtensions.ServiceAdminKeySetting] = AdminKey,
                [$"Sla:Partners:{StrictPartner}:ReleaseLatencySeconds"] = "60",
                ["Sla:Partners:default:ReleaseLatencySeconds"] = "3600",
            },
            builder =>
            {
                builder.Logging.AddProvider(Logs);
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGrpcDefaults();
                app.MapMessagingEndpoints();
                app.MapOrdersApi();
                app.MapSlaBreachesApi();
                app.MapGrpcService<OrdersGrpcService>();
            });
        _channel = GrpcChannel.ForAddress(App.GrpcAddress);
        Grpc = new Proto.Orders.OrdersClient(_channel);
        _redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
    }

    /// <summary>A client calling as <paramref name="partnerId"/>, as the gateway would stamp it.</summary>
    public HttpClient Partner(string partnerId, string channel = "b2b")
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add(PartnerHeaders.PartnerId, partnerId);
        client.DefaultRequestHeaders.Add(PartnerHeaders.Channel, channel);
        return client;
    }

    public HttpClient Admin()
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add(AdminKeyFilter.HeaderName, AdminKey);
        return client;
    }

    /// <summary>Publishes an event (e.g. one of inventory's) through this host's own outbox, so it reaches the real consumer.</summary>
    public async Task<string> PublishAsync<TEvent>(TEvent @event) where TEvent : IIntegrationEvent
    {
        var bus = App.App.Services.GetRequiredService<IEventBus>();
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await bus.PublishAsync(@event, transaction);
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Waits until the consumer has handled (or deliberately ignored) the event with this id.</summary>
    public Task WaitHandledAsync(string eventId) =>
        Eventually.ReachesAsync(
            () => ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = @p0", eventId),
            count => count == 1,
            $"event {eventId} handled");

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var command = Database.CreateCommand(sql);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", values[i]);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The events of one type published for an order, read from the Redis streams once the outbox is empty
    /// (nothing is then in flight between the two).
    /// </summary>
    public async Task<List<JsonElement>> PublishedAsync(string eventType, Guid orderId)
    {
        await Eventually.ReachesAsync(() => ScalarAsync<long>("SELECT count(*) FROM outbox"), count => count == 0, "the outbox to drain");
        var found = new List<JsonElement>();
        var database = _redis.GetDatabase();
        var options = App.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessagingOptions>>().Value;
        for (var partition = 0; partition < options.Partitions; partition++)
        {
            foreach (var entry in await database.StreamRangeAsync(StreamNames.For(_keyPrefix, "orders", partition), "-", "+"))
            {
                using var envelope = JsonDocument.Parse((string)entry[StreamNames.EnvelopeField]!);
                var root = envelope.RootElement;
                if (root.GetProperty("type").GetString() == eventType && root.GetProperty("partitionkey").GetString() == orderId.ToString())
                {
                    found.Add(root.GetProperty("data").Clone());
                }
            }
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}
