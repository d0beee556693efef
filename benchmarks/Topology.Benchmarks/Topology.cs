using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// The whole AppHost (local postgres and redis-server executables, every service, the sandboxes), started the way
/// tests/EndToEnd.Tests starts it, with the sandbox partners onboarded through the gateway's admin API.
/// </summary>
public sealed class Topology : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key";
    public const string ShopDomain = "distribution-sandbox.myshopify.com";
    public const string WebhookSecret = "sandbox-webhook-secret";
    public const string ThreePLLocation = "3pl-sandbox";

    public static readonly string[] Resources =
    [
        "postgres", "redis-server", "gateway", "sandbox", "orderservice", "inventoryservice", "fulfillmentservice",
        "settlementservice", "amazon-adapter", "shopify-adapter", "threepl-adapter", "erp-adapter", "operations",
    ];

    private readonly string _dataDirectory;

    private Topology(DistributedApplication app, string dataDirectory, int gatewayPort, TimeSpan timeToHealthy)
    {
        App = app;
        _dataDirectory = dataDirectory;
        GatewayPort = gatewayPort;
        TimeToHealthy = timeToHealthy;
        Gateway = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Sandbox = new HttpClient { BaseAddress = app.GetEndpoint("sandbox", "http"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public DistributedApplication App { get; }

    public string DataDirectory => _dataDirectory;

    public int GatewayPort { get; }

    public TimeSpan TimeToHealthy { get; }

    public HttpClient Gateway { get; }

    public HttpClient Sandbox { get; }

    public static async Task<Topology> StartAsync(CancellationToken cancellation)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("da-topology-bench.").FullName;
        // As root, PostgreSQL runs as the 'postgres' user, which must be able to enter the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_101_101);
        }
        var gatewayPort = FreePort();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                "--Infrastructure:Mode=local", $"--Infrastructure:DataDirectory={dataDirectory}", $"--Gateway:Port={gatewayPort}",
                $"--Gateway:AdminKey={AdminKey}",
            ],
            cancellation);
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Services.AddLogging(logging => logging.AddFilter("AppHost.Resources", LogLevel.Warning).AddFilter("Aspire", LogLevel.Warning));

        // No dashboard collector runs here; exporting to nothing costs CPU the services should have.
        foreach (var resource in builder.Resources.OfType<ExecutableResource>().ToList())
        {
            builder.CreateResourceBuilder(resource).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
                context.EnvironmentVariables["Logging__LogLevel__Default"] = "Warning";
            });
        }

        var app = await builder.BuildAsync(cancellation);
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        try
        {
            await app.StartAsync(timeout.Token);
            await Task.WhenAll(Resources.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new Topology(app, dataDirectory, gatewayPort, clock.Elapsed);
    }

    /// <summary>The sandbox partners at the gateway (Shopify with a budget well above the offered load), the 3PL location, stock.</summary>
    public async Task OnboardAsync(IEnumerable<string> skus, int units, CancellationToken cancellation)
    {
        await AdminAsync(HttpMethod.Post, "/admin/partners", new
        {
            partnerId = "shopify-sandbox", kind = "marketplace", channel = "shopify", scopes = new[] { "shopify" },
            rateLimit = new { perSecond = 5000, burst = 5000 }, shopDomain = ShopDomain,
        }, cancellation);
        await AdminAsync(HttpMethod.Put, "/admin/partners/shopify-sandbox/webhook-secret", new { secret = WebhookSecret }, cancellation);
        await PutKeyAsync("/sandbox/amazon/credentials", await CreatePartnerAsync("amazon-sandbox", "amazon", "amazon", cancellation), cancellation);
        await PutKeyAsync("/sandbox/3pl/credentials", await CreatePartnerAsync("sandbox-3pl", "3pl", "3pl", cancellation), cancellation);
        await AdminAsync(HttpMethod.Post, "/admin/locations", new { locationId = ThreePLLocation, kind = "3pl", partnerId = "sandbox-3pl" }, cancellation);
        foreach (var sku in skus)
        {
            await AdjustAsync(sku, units, cancellation);
        }
    }

    public async Task AdjustAsync(string sku, int delta, CancellationToken cancellation)
    {
        using var _ = await AdminAsync(HttpMethod.Post, "/admin/inventory/adjustments", new { sku, locationId = ThreePLLocation, delta, reason = "receipt" }, cancellation);
    }

    public async Task<string> ConnectionStringAsync(string database, CancellationToken cancellation) =>
        (await App.GetConnectionStringAsync(database, cancellation))!;

    public async Task<ToldQuantity?> ShopQuantityAsync(string sku, CancellationToken cancellation)
    {
        using var response = await Sandbox.GetAsync($"/shopify/sandbox/quantities/{sku}", cancellation);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ToldQuantity>(Json.Options, cancellation) : null;
    }

    public async Task<Dictionary<string, ListedQuantity>> AmazonQuantitiesAsync(CancellationToken cancellation) =>
        await Sandbox.GetFromJsonAsync<Dictionary<string, ListedQuantity>>("/sandbox/amazon/quantities", Json.Options, cancellation) ?? [];

    /// <summary>Inventory's own answer to "what may this channel sell" (the partner surface, called directly with the identity the gateway would stamp).</summary>
    public async Task<int?> TruthAsync(string sku, string channel, CancellationToken cancellation)
    {
        using var client = new HttpClient { BaseAddress = App.GetEndpoint("inventoryservice", "http") };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/inventory/{sku}");
        request.Headers.Add("X-Partner-Id", $"bench-{channel}");
        request.Headers.Add("X-Partner-Channel", channel);
        request.Headers.Add("X-Partner-Scopes", "inventory");
        using var response = await client.SendAsync(request, cancellation);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("available").GetInt32()
            : null;
    }

    public async Task PutShopFaultsAsync(object faults, CancellationToken cancellation)
    {
        using var response = await Sandbox.PutAsJsonAsync("/shopify/sandbox/faults", faults, cancellation);
        response.EnsureSuccessStatusCode();
    }

    public async Task PutThreePLFaultsAsync(object faults, CancellationToken cancellation)
    {
        using var response = await Sandbox.PutAsJsonAsync("/sandbox/3pl/faults", faults, cancellation);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>How many of the sandbox 3PL's shipments have shipped (and were not cancelled), and how many documents it posted to us.</summary>
    public async Task<(int Shipped, int Posted)> ThreePLShippedAsync(CancellationToken cancellation)
    {
        var inspect = await Sandbox.GetFromJsonAsync<JsonElement>("/sandbox/3pl/inspect", cancellation);
        var shipped = inspect.GetProperty("shipments").EnumerateArray()
            .Count(s => s.GetProperty("stage").GetInt32() >= 1 && !s.GetProperty("cancelled").GetBoolean());
        return (shipped, inspect.GetProperty("sent").GetArrayLength());
    }

    /// <summary>The external document numbers of the sandbox ERP's sales shipments, and how many postings it refused as duplicates.</summary>
    public async Task<(List<string> Shipments, long RefusedDuplicates)> ErpShipmentsAsync(CancellationToken cancellation)
    {
        var inspect = await Sandbox.GetFromJsonAsync<JsonElement>("/sandbox/erp/inspect", cancellation);
        var numbers = inspect.GetProperty("salesShipments").EnumerateArray().Select(d => d.GetProperty("externalDocumentNumber").GetString()!).ToList();
        var refused = inspect.GetProperty("counters").TryGetProperty("salesShipments.duplicates", out var count) ? count.GetInt64() : 0;
        return (numbers, refused);
    }

    /// <summary>Places one order in the sandbox shop (it sends its own webhook) and returns the shop's JSON of it, the template for generated webhooks.</summary>
    public async Task<JsonElement> TemplateOrderAsync(string sku, CancellationToken cancellation)
    {
        using var placed = await Sandbox.PostAsJsonAsync("/shopify/sandbox/orders", new { lines = new[] { new { sku, quantity = 1 } } }, cancellation);
        placed.EnsureSuccessStatusCode();
        var id = (await placed.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("id").GetInt64();
        return (await Sandbox.GetFromJsonAsync<JsonElement>($"/shopify/sandbox/orders/{id}", cancellation)).GetProperty("order");
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        Sandbox.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await App.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping took too long; disposing kills what is left.
        }

        await App.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process still held a file; the temp folder is cleaned by the OS.
        }
    }

    private async Task<string> CreatePartnerAsync(string partnerId, string channel, string scope, CancellationToken cancellation)
    {
        using var created = await AdminAsync(HttpMethod.Post, "/admin/partners", new
        {
            partnerId, kind = channel == "3pl" ? "3pl" : "marketplace", channel, scopes = new[] { scope }, rateLimit = new { perSecond = 1000, burst = 1000 },
        }, cancellation);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(cancellation)).GetProperty("apiKey").GetString()!;
    }

    private async Task PutKeyAsync(string path, string apiKey, CancellationToken cancellation)
    {
        using var response = await Sandbox.PutAsJsonAsync(path, new { apiKey }, cancellation);
        response.EnsureSuccessStatusCode();
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object body, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("X-Admin-Key", AdminKey);
            try
            {
                var response = await Gateway.SendAsync(request, cancellation);
                if (response.IsSuccessStatusCode)
                {
                    return response;
                }

                var text = await response.Content.ReadAsStringAsync(cancellation);
                response.Dispose();
                if (attempt >= 20 || (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
                }
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                // The gateway or a backend is restarting (fault suite): try again shortly.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellation);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record ToldQuantity(string Sku, int Available, DateTimeOffset LastToldAt, int TimesTold);

public sealed record ListedQuantity(int Quantity, DateTimeOffset UpdatedAt, string Via, int Updates);

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
