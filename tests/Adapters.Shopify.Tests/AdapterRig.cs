using System.Net.Http.Json;
using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Contracts.Events.Inventory;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>
/// One adapter with its own database and streams, a recording Orders server, and optionally the sandbox shop whose
/// webhooks reach the adapter through a <see cref="GatewayStandIn"/>. The adapter can be restarted on the same database.
/// </summary>
public sealed class AdapterRig : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;

    private AdapterRig(RecordingOrders orders, ShopifyHost adapter, SandboxHost? sandbox, GatewayStandIn? gateway, Dictionary<string, string?> settings)
    {
        Orders = orders;
        Adapter = adapter;
        Sandbox = sandbox;
        Gateway = gateway;
        _settings = settings;
    }

    public RecordingOrders Orders { get; }

    public RecordingOrders.Recorder Calls => Orders.Calls;

    public ShopifyHost Adapter { get; private set; }

    public SandboxHost? Sandbox { get; }

    public GatewayStandIn? Gateway { get; }

    public static async Task<AdapterRig> StartAsync(
        TestServers servers,
        bool withSandbox = false,
        IReadOnlyDictionary<string, string?>? adapter = null,
        IReadOnlyDictionary<string, string?>? sandbox = null,
        Uri? ordersAddress = null)
    {
        var database = await servers.CreateDatabaseAsync("shopify");
        var orders = await RecordingOrders.StartAsync();
        GatewayStandIn? gateway = null;
        SandboxHost? shop = null;
        if (withSandbox)
        {
            gateway = await GatewayStandIn.StartAsync(SandboxHost.WebhookSecret, ShopifyHost.PartnerId);
            shop = await SandboxHost.StartAsync(gateway.WebhookUrl, sandbox);
        }

        var name = "shopify-test-" + Guid.NewGuid().ToString("N")[..8];
        var settings = ShopifyHost.Settings(database, servers.RedisConnectionString, name, ordersAddress ?? orders.Address, shop?.AdminBaseUrl);
        var host = await ShopifyHost.StartAsync(settings, adapter);
        gateway?.Target = host.App.HttpAddress;
        return new AdapterRig(orders, host, shop, gateway, settings);
    }

    /// <summary>Stops the adapter and starts a new one on the same database and streams, with changed settings.</summary>
    public async Task RestartAdapterAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        await Adapter.DisposeAsync();
        Adapter = await ShopifyHost.StartAsync(new Dictionary<string, string?>(_settings), overrides);
        Gateway?.Target = Adapter.App.HttpAddress;
    }

    public static InventoryAvailabilityChanged Availability(string sku, int shopify, long sequence) =>
        new(sku, shopify + 100, [new ChannelQuantity("amazon", shopify + 50), new ChannelQuantity("shopify", shopify)], sequence, DateTimeOffset.UtcNow);

    /// <summary>Waits for the adapter's start-up sync to map the sandbox catalog (ten SKUs).</summary>
    public Task SkuMapFilledAsync() =>
        Eventually.ReachesAsync(() => Adapter.ScalarAsync<long>("SELECT count(*) FROM sku_map"), n => n == 10, what: "the SKU map sync");

    public async Task<List<ShopifyException>> ListExceptionsAsync(string query)
    {
        using var response = await Adapter.Client.SendAsync(ShopifyHost.Admin(HttpMethod.Get, "/admin/shopify/exceptions" + query));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<ShopifyException>>())!;
    }

    public async ValueTask DisposeAsync()
    {
        await Adapter.DisposeAsync();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await Orders.DisposeAsync();
    }
}
