using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.Contracts.Common.V1;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.Messaging.RedisStreams;
using Distribution.Aspire.OrderService.Api.Grpc;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.ServiceDefaults.Security;
using Distribution.Aspire.TestInfrastructure;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using OrdersProto = Distribution.Aspire.Contracts.Orders.V1;
using SettlementsProto = Distribution.Aspire.Contracts.Settlements.V1;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// The settlement service and the real order service in-process, each on its own database, sharing real Redis Streams
/// (one key prefix per fixture), over real HTTP/1.1 and HTTP/2. The settlement service runs with the posting rules and
/// fee model of its own appsettings.json (read from the repository), plus what a test adds.
/// </summary>
public class SettlementHost(TestServers servers) : IAsyncLifetime
{
    public const string AdminKey = "settlement-admin-key";
    public const string AmazonPartner = "amazon-seller-1";

    private readonly string _keyPrefix = $"s{Guid.NewGuid():N}"[..12] + ":";
    private readonly List<GrpcChannel> _channels = [];
    private ConnectionMultiplexer _redis = null!;

    public TestServers Servers { get; } = servers;

    public string KeyPrefix => _keyPrefix;

    public TestWebApp OrderApp { get; private set; } = null!;

    public TestWebApp App { get; private set; } = null!;

    public OrdersProto.Orders.OrdersClient Orders { get; private set; } = null!;

    public SettlementsProto.Settlements.SettlementsClient Settlements { get; private set; } = null!;

    public NpgsqlDataSource Database => App.App.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Settings a test class adds to the settlement service's own (extra posting rules, fees).</summary>
    protected virtual Dictionary<string, string?> ExtraSettings => [];

    public virtual async ValueTask InitializeAsync()
    {
        var ordersSettings = Settings(await Servers.CreateDatabaseAsync("orders"), "ordersdb", "orderservice");
        OrderApp = await TestWebApp.StartAsync(
            ordersSettings,
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
                app.MapGrpcService<OrdersGrpcService>();
            });
        Orders = new OrdersProto.Orders.OrdersClient(Channel(OrderApp.GrpcAddress));

        var settings = Settings(await Servers.CreateDatabaseAsync("settlement"), "settlementdb", "settlementservice");
        settings["Settlements:OrdersAddress"] = OrderApp.GrpcAddress.ToString();
        settings[AdminRouteExtensions.ServiceAdminKeySetting] = AdminKey;
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        App = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                // The shipped configuration first, then this fixture's: later sources win.
                builder.Configuration.AddJsonFile(Repository.File("SettlementService/appsettings.json"), optional: false);
                builder.Configuration.AddInMemoryCollection(settings);
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapApplicationEndpoints();
            });
        Settlements = new SettlementsProto.Settlements.SettlementsClient(Channel(App.GrpcAddress));
        _redis = await ConnectionMultiplexer.ConnectAsync(Servers.RedisConnectionString);
    }

    /// <summary>
    /// An Amazon order in the order service (lines: SKU, quantity, unit price, tax), and waits until the settlement
    /// service knows it with its total. Returns the order id.
    /// </summary>
    public async Task<Guid> AmazonOrderAsync(string amazonOrderId, bool fba = false, params (string Sku, int Quantity, string UnitPrice, string Tax)[] lines)
    {
        var request = new OrdersProto.SubmitOrderRequest
        {
            Channel = "amazon",
            PartnerId = AmazonPartner,
            ChannelOrderId = amazonOrderId,
            Currency = "USD",
            FulfillmentChannel = fba ? OrdersProto.FulfillmentChannel.Marketplace : OrdersProto.FulfillmentChannel.Merchant,
            ShipTo = new Address { Name = "Ada Buyer", Line1 = "1 Main St", City = "Springfield", Region = "IL", PostalCode = "62701", Country = "US" },
        };
        request.Lines.AddRange(lines.Select((l, i) => new OrdersProto.OrderLine
        {
            LineId = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Sku = l.Sku,
            Quantity = l.Quantity,
            UnitPrice = new Money { Amount = l.UnitPrice, Currency = "USD" },
            Tax = new Money { Amount = l.Tax, Currency = "USD" },
        }));
        return await SubmitAndWaitAsync(request);
    }

    public async Task<Guid> SubmitAndWaitAsync(OrdersProto.SubmitOrderRequest request)
    {
        var response = await Orders.SubmitOrderAsync(request);
        var orderId = Guid.Parse(response.Order.OrderId);
        await Eventually.ReachesAsync(
            () => ScalarAsync<long>("SELECT count(*) FROM known_orders WHERE order_id = @p0 AND total IS NOT NULL", orderId),
            count => count == 1, $"order {orderId} in the settlement read model");
        return orderId;
    }

    /// <summary>Posts a report as the gateway forwards it: the body and the partner's identity.</summary>
    public Task<HttpResponseMessage> PostReportAsync(string tsv, string partnerId = AmazonPartner, string? channel = "amazon") =>
        PostReportAsync(Encoding.UTF8.GetBytes(tsv), partnerId, channel);

    public async Task<HttpResponseMessage> PostReportAsync(byte[] body, string? partnerId = AmazonPartner, string? channel = "amazon")
    {
        using var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partners/amazon/settlements") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/tab-separated-values");
        if (partnerId is not null)
        {
            request.Headers.Add(PartnerHeaders.PartnerId, partnerId);
        }

        if (channel is not null)
        {
            request.Headers.Add(PartnerHeaders.Channel, channel);
        }

        return await client.SendAsync(request);
    }

    public HttpClient Admin()
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add(AdminKeyFilter.HeaderName, AdminKey);
        return client;
    }

    public async Task<JsonElement> SettlementAsync(Guid settlementId)
    {
        using var admin = Admin();
        return JsonDocument.Parse(await admin.GetStringAsync($"/admin/settlements/{settlementId}")).RootElement.Clone();
    }

    /// <summary>Publishes an event through the order service's outbox, as the service that owns it would through its own.</summary>
    public async Task<string> PublishAsync<TEvent>(TEvent @event) where TEvent : IIntegrationEvent
    {
        var bus = OrderApp.App.Services.GetRequiredService<IEventBus>();
        await using var connection = await OrderApp.App.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await bus.PublishAsync(@event, transaction);
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Waits until the settlement service has handled the event with this id.</summary>
    public Task WaitHandledAsync(string eventId) =>
        Eventually.ReachesAsync(() => ScalarAsync<long>("SELECT count(*) FROM inbox WHERE event_id = @p0", eventId), count => count == 1, $"event {eventId} handled");

    public async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var command = Database.CreateCommand(sql);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", values[i]);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The settlement events published for a settlement, read from the Redis streams once the outbox is empty.</summary>
    public async Task<List<(string Type, JsonElement Data)>> PublishedAsync(Guid settlementId)
    {
        await Eventually.ReachesAsync(() => ScalarAsync<long>("SELECT count(*) FROM outbox"), count => count == 0, "the settlement outbox to drain");
        var found = new List<(string, JsonElement)>();
        var database = _redis.GetDatabase();
        for (var partition = 0; partition < 4; partition++)
        {
            foreach (var entry in await database.StreamRangeAsync(StreamNames.For(_keyPrefix, "settlements", partition), "-", "+"))
            {
                using var envelope = JsonDocument.Parse((string)entry[StreamNames.EnvelopeField]!);
                var root = envelope.RootElement;
                if (root.GetProperty("partitionkey").GetString() == settlementId.ToString())
                {
                    found.Add((root.GetProperty("type").GetString()!, root.GetProperty("data").Clone()));
                }
            }
        }

        return found;
    }

    public virtual async ValueTask DisposeAsync()
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

        GC.SuppressFinalize(this);
    }

    public Dictionary<string, string?> Settings(string database, string connectionName, string service) => new()
    {
        [$"ConnectionStrings:{connectionName}"] = database,
        ["ConnectionStrings:redis"] = Servers.RedisConnectionString,
        ["OTEL_SERVICE_NAME"] = service,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Messaging:KeyPrefix"] = _keyPrefix,
        ["Messaging:MaxDeliveries"] = "3",
        ["Messaging:RetryBaseDelayMilliseconds"] = "20",
    };

    protected GrpcChannel Channel(Uri address)
    {
        var channel = GrpcChannel.ForAddress(address);
        _channels.Add(channel);
        return channel;
    }
}
