using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Distribution.Aspire.Gateway.Tests;

/// <summary>
/// A gateway (or two sharing one database and Redis) in front of real destination hosts, one per service the
/// partner surface reaches, plus helpers to onboard partners through the real admin API.
/// </summary>
public sealed class GatewayHarness : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key";
    public const string ServiceAdminKey = "service-admin-key";
    public static readonly string SecretsKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    public static readonly string[] DestinationNames = ["orderservice", "inventoryservice", "shopify-adapter", "amazon-adapter", "threepl-adapter", "settlementservice", "operations"];

    private readonly TestServers _servers;
    private readonly List<GatewayFactory> _gateways = [];

    private GatewayHarness(TestServers servers, IReadOnlyDictionary<string, EchoDestination> destinations, Dictionary<string, string?> settings)
    {
        _servers = servers;
        Destinations = destinations;
        Settings = settings;
    }

    public IReadOnlyDictionary<string, EchoDestination> Destinations { get; }

    /// <summary>The settings every gateway of this harness starts with (shared database included).</summary>
    public Dictionary<string, string?> Settings { get; }

    public GatewayFactory Gateway => _gateways[0];

    public static async Task<GatewayHarness> StartAsync(
        TestServers servers, IDictionary<string, string?>? extra = null, Action<IWebHostBuilder>? configure = null)
    {
        var destinations = new Dictionary<string, EchoDestination>();
        foreach (var name in DestinationNames)
        {
            destinations[name] = await EchoDestination.StartAsync(name);
        }

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:gatewaydb"] = await servers.CreateDatabaseAsync("gateway"),
            ["Gateway:AdminKey"] = AdminKey,
            ["Gateway:ServiceAdminKey"] = ServiceAdminKey,
            ["Gateway:SecretsKey"] = SecretsKey,
            ["Gateway:Backends:0"] = "orderservice",
            ["Gateway:Backends:1"] = "inventoryservice",
        };
        foreach (var (name, destination) in destinations)
        {
            settings[$"services:{name}:http:0"] = destination.Address.ToString();
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var harness = new GatewayHarness(servers, destinations, settings);
        await harness.StartGatewayAsync(configure);
        return harness;
    }

    /// <summary>Another replica: same database, same Redis, its own port and memory.</summary>
    public Task<GatewayFactory> StartGatewayAsync(Action<IWebHostBuilder>? configure = null) =>
        StartGatewayAsync(new Dictionary<string, string?>(), configure);

    /// <summary>Another replica whose settings differ from the harness's in <paramref name="overrides"/> (e.g. another secrets key).</summary>
    public async Task<GatewayFactory> StartGatewayAsync(IDictionary<string, string?> overrides, Action<IWebHostBuilder>? configure = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        var gateway = await GatewayFactory.StartAsync(_servers, settings, configure);
        _gateways.Add(gateway);
        return gateway;
    }

    public HttpClient Client(GatewayFactory? gateway = null) => (gateway ?? Gateway).CreateHttpClient();

    public HttpClient AdminClient(GatewayFactory? gateway = null)
    {
        var client = Client(gateway);
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    public HttpClient PartnerClient(string apiKey, GatewayFactory? gateway = null)
    {
        var client = Client(gateway);
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    /// <summary>Onboards a partner through <c>POST /admin/partners</c>; unique id unless given.</summary>
    public async Task<TestPartner> CreatePartnerAsync(
        string[] scopes, int perSecond = 1000, int burst = 1000, int? dailyQuota = null, string? shopDomain = null, string kind = "b2b", string channel = "b2b", string? partnerId = null)
    {
        partnerId ??= NewPartnerId();
        using var admin = AdminClient();
        using var response = await admin.PostAsJsonAsync("/admin/partners", new
        {
            partnerId,
            kind,
            channel,
            scopes,
            rateLimit = new { perSecond, burst },
            dailyQuota,
            shopDomain,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating partner {partnerId} answered {(int)response.StatusCode}: {body}");
        }

        return new TestPartner(partnerId, body.GetProperty("apiKey").GetString()!, body.GetProperty("keyId").GetString()!, channel);
    }

    public async Task SetWebhookSecretAsync(string partnerId, string secret)
    {
        using var admin = AdminClient();
        using var response = await admin.PutAsJsonAsync($"/admin/partners/{partnerId}/webhook-secret", new { secret });
        response.EnsureSuccessStatusCode();
    }

    public static string NewPartnerId(string prefix = "p") => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        foreach (var destination in Destinations.Values)
        {
            await destination.DisposeAsync();
        }
    }
}

public sealed record TestPartner(string PartnerId, string ApiKey, string KeyId, string Channel);
