using System.Text.Json;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.Contracts.Events.Orders;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.OrderService.Api.Grpc;
using Distribution.Aspire.OrderService.Api.Json;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Security;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;
using FulfillmentProto = Distribution.Aspire.Contracts.Fulfillment.V1;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.FulfillmentService.Tests;

/// <summary>
/// The fulfillment service and the real order service in-process, each on its own database, sharing real
/// Redis Streams (one key prefix per fixture), over real HTTP/1.1 and HTTP/2. Fulfillment finds the order
/// service through service discovery (<c>http://_grpc.orderservice</c>), as in the AppHost.
/// </summary>
public sealed class FulfillmentHost(TestServers servers) : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key";
    public const string ThreePlLocation = "3PL-EAST";
    public const string ThreePlPartner = "acme-3pl";

    private readonly string _keyPrefix = $"f{Guid.NewGuid():N}"[..12] + ":";
    private readonly List<GrpcChannel> _channels = [];
    private ConnectionMultiplexer _redis = null!;

    public TestWebApp OrderApp { get; private set; } = null!;

    public TestWebApp App { get; private set; } = null!;

    public RecordingLoggerProvider Logs { get; } = new();

    public OrdersProto.Orders.OrdersClient Orders { get; private set; } = null!;

    public FulfillmentProto.Fulfillment.FulfillmentClient Fulfillment { get; private set; } = null!;

    public NpgsqlDataSource Database => App.App.Services.GetRequiredService<NpgsqlDataSource>();

    public NpgsqlDataSource OrdersDatabase => OrderApp.App.Services.GetRequiredService<NpgsqlDataSource>();

    public async ValueTask InitializeAsync()
    {
        var ordersDatabase = await servers.CreateDatabaseAsync("orders");
        OrderApp = await TestWebApp.StartAsync(
            Settings(ordersDatabase, "ordersdb", "orderservice"),
            builder =>
            {
                builder.AddServiceDefaults();
                OrderService.ApplicationServiceExtensions.AddApplicationServices(builder);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGrpcDefaults();
                app.MapMessagingEndpoints();
                app.MapOrdersApi();
                app.MapGrpcService<OrdersGrpcService>();
            });
        Orders = new OrdersProto.Orders.OrdersClient(Channel(OrderApp.GrpcAddress));

        App = await StartFulfillmentAsync(servers, OrderApp.GrpcAddress, _keyPrefix, Logs);
        Fulfillment = new FulfillmentProto.Fulfillment.FulfillmentClient(Channel(App.GrpcAddress));
        _redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
    }

    /// <summary>A fulfillment service calling the order service at <paramref name="ordersGrpc"/> (a dead port to test outages).</summary>
    public static async Task<TestWebApp> StartFulfillmentAsync(TestServers servers, Uri ordersGrpc, string keyPrefix, RecordingLoggerProvider logs, Dictionary<string, string?>? extra = null)
    {
        var settings = Settings(await servers.CreateDatabaseAsync("fulfillment"), "fulfillmentdb", "fulfillmentservice", keyPrefix, servers);
        settings["Services:orderservice:grpc:0"] = ordersGrpc.ToString();
        settings[AdminRouteExtensions.ServiceAdminKeySetting] = AdminKey;
        settings[$"Fulfillment:Nodes:{ThreePlLocation}:Kind"] = "3pl";
        settings[$"Fulfillment:Nodes:{ThreePlLocation}:PartnerId"] = ThreePlPartner;
        // Lost goods are due at once here, so an overdue exception can be seen without waiting a day.
        settings["Fulfillment:ExceptionSla:lost"] = "00:00:00";
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return await TestWebApp.StartAsync(
            settings,
            builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapApplicationEndpoints();
            });
    }

    public HttpClient Admin(bool withKey = true)
    {
        var client = App.CreateClient();
        if (withKey)
        {
            client.DefaultRequestHeaders.Add(AdminKeyFilter.HeaderName, AdminKey);
        }

        return client;
    }

    /// <summary>
    /// A new order in the order service, reserved by "inventory" at the given locations and so accepted;
    /// waits until fulfillment has requested its shipments. Lines are (line id, quantity, unit price).
    /// </summary>
    public async Task<Guid> AcceptedOrderAsync(
        string channel,
        (string LineId, int Quantity, string UnitPrice)[] lines,
        (string LineId, string LocationId, int Quantity)[] allocations,
        int priority = 0,
        DateTimeOffset? shipBy = null,
        Action<OrdersProto.SubmitOrderRequest>? adjust = null)
    {
        var orderId = await SubmitAsync(channel, lines, priority, shipBy, adjust);
        await ReserveAsync(orderId, allocations);
        var nodes = allocations.Select(a => a.LocationId).Distinct().Count();
        await Eventually.ReachesAsync(() => ScalarAsync<long>("SELECT count(*) FROM shipments WHERE order_id = @p0", orderId), count => count == nodes, $"{nodes} shipment(s) of {orderId}");
        return orderId;
    }

    /// <summary>An accepted order whose every line is held at one warehouse, and its one shipment.</summary>
    public async Task<FulfillmentProto.Shipment> OneShipmentAsync(string channel, params (string LineId, int Quantity, string UnitPrice)[] lines)
    {
        var orderId = await AcceptedOrderAsync(channel, lines, lines.Select(l => (l.LineId, "WH-WEST", l.Quantity)).ToArray());
        return Assert.Single(await ShipmentsAsync(orderId));
    }

    public async Task<Guid> SubmitAsync(
        string channel, (string LineId, int Quantity, string UnitPrice)[] lines, int priority = 0, DateTimeOffset? shipBy = null, Action<OrdersProto.SubmitOrderRequest>? adjust = null)
    {
        var request = new OrdersProto.SubmitOrderRequest
        {
            Channel = channel,
            PartnerId = $"{channel}-partner",
            ChannelOrderId = $"PO-{Guid.NewGuid():N}"[..16],
            Currency = "USD",
            Priority = priority,
            RequestedShipBy = shipBy is { } at ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at) : null,
            ShipTo = new Address { Name = "Ada Buyer", Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        };
        request.Lines.AddRange(lines.Select(l => new OrdersProto.OrderLine
        {
            LineId = l.LineId, Sku = Sku(l.LineId), Quantity = l.Quantity, UnitPrice = new Money { Amount = l.UnitPrice, Currency = "USD" },
        }));
        adjust?.Invoke(request);
        var response = await Orders.SubmitOrderAsync(request);
        return Guid.Parse(response.Order.OrderId);
    }

    /// <summary>What inventory would publish: every line held at the given locations.</summary>
    public async Task ReserveAsync(Guid orderId, (string LineId, string LocationId, int Quantity)[] allocations)
    {
        var reserved = new InventoryReserved(orderId, allocations.Select(a => new AllocatedLine(a.LineId, Sku(a.LineId), a.LocationId, a.Quantity)).ToList(), false, DateTimeOffset.UtcNow);
        await PublishAsync(OrderApp, reserved);
    }

    public static string Sku(string lineId) => $"SKU-{lineId}";

    /// <summary>Publishes an event through fulfillment's own outbox (e.g. an order event in an order the order service never would).</summary>
    public Task<string> PublishAsync<TEvent>(TEvent @event) where TEvent : IIntegrationEvent => PublishAsync(App, @event);

    public static async Task<string> PublishAsync<TEvent>(TestWebApp app, TEvent @event) where TEvent : IIntegrationEvent
    {
        var bus = app.App.Services.GetRequiredService<IEventBus>();
        await using var connection = await app.App.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await bus.PublishAsync(@event, transaction);
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Waits until fulfillment has handled (or deliberately ignored) the event with this id.</summary>
    public Task WaitHandledAsync(string eventId) =>
        Eventually.ReachesAsync(() => ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = @p0", eventId), count => count == 1, $"event {eventId} handled");

    public Task<T> ScalarAsync<T>(string sql, params object[] values) => ScalarAsync<T>(Database, sql, values);

    public Task<T> OrdersScalarAsync<T>(string sql, params object[] values) => ScalarAsync<T>(OrdersDatabase, sql, values);

    public async Task<OrdersProto.Order> WaitOrderStatusAsync(Guid orderId, OrdersProto.OrderStatus status) =>
        await Eventually.ReachesAsync(
            () => Orders.GetOrderAsync(new OrdersProto.GetOrderRequest { OrderId = orderId.ToString() }).ResponseAsync,
            order => order.Status == status,
            $"order {orderId} {status}");

    public async Task<List<FulfillmentProto.Shipment>> ShipmentsAsync(Guid orderId) =>
        [.. (await Fulfillment.ListShipmentsAsync(new FulfillmentProto.ListShipmentsRequest { OrderId = orderId.ToString() })).Shipments];

    /// <summary>
    /// The events of one type published on a topic for an order, read from the Redis streams once both outboxes
    /// are empty (nothing is then in flight between them).
    /// </summary>
    public async Task<List<JsonElement>> PublishedAsync(string topic, string eventType, Guid orderId)
    {
        await Eventually.ReachesAsync(() => ScalarAsync<long>("SELECT count(*) FROM outbox"), count => count == 0, "fulfillment's outbox to drain");
        await Eventually.ReachesAsync(() => OrdersScalarAsync<long>("SELECT count(*) FROM outbox"), count => count == 0, "the order service's outbox to drain");
        var found = new List<JsonElement>();
        var database = _redis.GetDatabase();
        for (var partition = 0; partition < 4; partition++)
        {
            foreach (var entry in await database.StreamRangeAsync(StreamNames.For(_keyPrefix, topic, partition), "-", "+"))
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
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (OrderApp is not null)
        {
            await OrderApp.DisposeAsync();
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource database, string sql, object[] values)
    {
        await using var command = database.CreateCommand(sql);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", values[i]);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private Dictionary<string, string?> Settings(string database, string connectionName, string service) =>
        Settings(database, connectionName, service, _keyPrefix, servers);

    private static Dictionary<string, string?> Settings(string database, string connectionName, string service, string keyPrefix, TestServers servers) => new()
    {
        [$"ConnectionStrings:{connectionName}"] = database,
        ["ConnectionStrings:redis"] = servers.RedisConnectionString,
        ["OTEL_SERVICE_NAME"] = service,
        ["Messaging:KeyPrefix"] = keyPrefix,
        ["Messaging:MaxDeliveries"] = "3",
        ["Messaging:RetryBaseDelayMilliseconds"] = "20",
    };

    private GrpcChannel Channel(Uri address)
    {
        var channel = GrpcChannel.ForAddress(address);
        _channels.Add(channel);
        return channel;
    }
}
