using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Adapters.Sandbox.Amazon;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Tests;

/// <summary>
/// The adapter in-process on real Postgres and Redis, the Amazon sandbox in-process as Amazon, and a recording
/// gRPC Orders double as OrderService; the sandbox's notifications go straight to the adapter, stamped with
/// the partner headers the gateway would add.
/// </summary>
public sealed class AmazonHarness : IAsyncDisposable
{
    public const string AdminKey = "amazon-admin";
    public const string PartnerId = "amazon-us";

    private readonly Dictionary<string, string?> _adapterSettings;

    private AmazonHarness(TestWebApp sandbox, TestWebApp ordersServer, RecordingOrders orders, Dictionary<string, string?> adapterSettings)
    {
        Sandbox = sandbox;
        OrdersServer = ordersServer;
        Orders = orders;
        _adapterSettings = adapterSettings;
        SandboxClient = sandbox.CreateClient();
    }

    public TestWebApp Sandbox { get; }

    public TestWebApp OrdersServer { get; }

    public RecordingOrders Orders { get; }

    public TestWebApp? Adapter { get; private set; }

    public HttpClient SandboxClient { get; }

    public NpgsqlDataSource Database => Adapter!.App.Services.GetRequiredService<NpgsqlDataSource>();

    public static async Task<AmazonHarness> StartAsync(
        TestServers servers, IReadOnlyDictionary<string, string?>? adapter = null, IReadOnlyDictionary<string, string?>? sandbox = null, bool startAdapter = true)
    {
        var sandboxSettings = new Dictionary<string, string?>
        {
            ["Sandbox:Amazon:Notifications:Headers:X-Partner-Id"] = PartnerId,
            ["Sandbox:Amazon:Notifications:Headers:X-Partner-Channel"] = "amazon",
        };
        Merge(sandboxSettings, sandbox);
        var sandboxApp = await TestWebApp.StartAsync(
            sandboxSettings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddAmazonSandbox();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapAmazonSandbox();
            });

        var orders = new RecordingOrders();
        var ordersServer = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                builder.ConfigureServiceEndpoints();
                builder.Services.AddGrpc();
                builder.Services.AddSingleton(orders);
            },
            app => app.MapGrpcService<RecordingOrdersService>());

        var adapterSettings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:amazondb"] = await servers.CreateDatabaseAsync("amazon"),
            ["ConnectionStrings:redis"] = servers.RedisConnectionString,
            ["OTEL_SERVICE_NAME"] = "amazon-adapter",
            ["Messaging:KeyPrefix"] = $"amz-{Guid.NewGuid():N}:",
            ["Messaging:RetryBaseDelayMilliseconds"] = "20",
            ["Messaging:PartitionLeaseSeconds"] = "3",
            ["Admin:Key"] = AdminKey,
            ["Amazon:SpApiBaseUrl"] = sandboxApp.HttpAddress.ToString(),
            ["Amazon:OrderServiceAddress"] = ordersServer.GrpcAddress.ToString(),
            ["Amazon:BackupPollEnabled"] = "false",
            ["Amazon:IdlePollMilliseconds"] = "100",
            ["Amazon:MaxRetryDelaySeconds"] = "1",
            ["Amazon:Http:MaxRetryAttempts"] = "3",
            ["Amazon:Http:RetryBaseDelayMilliseconds"] = "50",
            ["Amazon:Http:AttemptTimeoutSeconds"] = "5",
            ["Amazon:Http:CircuitBreakSeconds"] = "1",
        };
        Merge(adapterSettings, adapter);
        var harness = new AmazonHarness(sandboxApp, ordersServer, orders, adapterSettings);
        if (startAdapter)
        {
            await harness.StartAdapterAsync();
        }

        return harness;
    }

    public async Task StartAdapterAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_adapterSettings);
        Merge(settings, overrides);
        Adapter = await TestWebApp.StartAsync(
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

        // The sandbox delivers notifications to this adapter (the gateway's place in production).
        ((IConfigurationBuilder)Sandbox.App.Configuration).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:Amazon:Notifications:Url"] = new Uri(Adapter.HttpAddress, "/partners/amazon/notifications").ToString(),
        });
    }

    public async Task StopAdapterAsync()
    {
        if (Adapter is not null)
        {
            await Adapter.DisposeAsync();
            Adapter = null;
        }
    }

    public HttpClient AdapterClient() => Adapter!.CreateClient();

    public async Task<HttpResponseMessage> PostNotificationAsync(string body, string? partnerId = PartnerId)
    {
        using var client = AdapterClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partners/amazon/notifications")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        if (partnerId is not null)
        {
            request.Headers.Add("X-Partner-Id", partnerId);
            request.Headers.Add("X-Partner-Channel", "amazon");
        }

        return await client.SendAsync(request);
    }

    public async Task<string> PlaceOrderAsync(string fulfillment = "MFN", bool notify = true, string status = "Unshipped", params (string Sku, int Quantity, decimal Price)[] items)
    {
        var lines = items.Length == 0 ? [("SKU-1", 2, 12.50m)] : items;
        using var response = await SandboxClient.PostAsJsonAsync("/sandbox/amazon/orders", new
        {
            items = lines.Select(i => new { sku = i.Sku, quantity = i.Quantity, unitPrice = i.Price }),
            fulfillmentChannel = fulfillment,
            status,
            notify,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amazonOrderId").GetString()!;
    }

    public async Task SetFaultsAsync(AmazonFaults faults)
    {
        using var response = await SandboxClient.PutAsJsonAsync("/sandbox/amazon/faults", faults);
        response.EnsureSuccessStatusCode();
    }

    public AmazonSandboxState SandboxState => Sandbox.App.Services.GetRequiredService<AmazonSandboxState>();

    public async Task PublishAsync<TEvent>(TEvent @event)
        where TEvent : Contracts.Events.IIntegrationEvent
    {
        var bus = Adapter!.App.Services.GetRequiredService<IEventBus>();
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await bus.PublishAsync(@event, transaction);
        await transaction.CommitAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAdapterAsync();
        SandboxClient.Dispose();
        await OrdersServer.DisposeAsync();
        await Sandbox.DisposeAsync();
    }

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?>? source)
    {
        foreach (var (key, value) in source ?? new Dictionary<string, string?>())
        {
            target[key] = value;
        }
    }
}

public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, Func<T?, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T? last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last!;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Timed out waiting for {what}; last seen: {last}");
    }

    public static Task WaitAsync(Func<bool> condition, string what, int seconds = 30) =>
        GetAsync<object>(() => Task.FromResult<object?>(condition() ? true : null), value => value is not null, what, seconds);
}
