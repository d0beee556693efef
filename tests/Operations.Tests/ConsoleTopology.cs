extern alias GatewayApp;
extern alias WidgetsApp;

using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Npgsql;
using WidgetsApp::Distribution.Aspire.Messaging.TestHost;
using GatewayAdminApis = GatewayApp::Distribution.Aspire.Gateway.Admin;
using GatewayPartners = GatewayApp::Distribution.Aspire.Gateway.Partners;
using GatewayRouting = GatewayApp::Distribution.Aspire.Gateway.Routing;
using GatewayServices = GatewayApp::Distribution.Aspire.Gateway.ApplicationServiceExtensions;
using GatewayTopology = GatewayApp::Distribution.Aspire.Gateway.Topology;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>
/// The console as operators reach it: the real gateway (Postgres, Redis) routing <c>/ops</c> to the real console,
/// which reads through the gateway's admin API. Behind the gateway: a real service on the event backbone (the
/// messaging test host's widgets, for real dead letters), the other services' admin APIs as HTTP stubs answering
/// their recorded shapes, a service that is down (settlementservice), and the order and fulfillment gRPC APIs as
/// stubs. Started once for all tests of the collection; a headless Debian chromium is launched on first use.
/// </summary>
public sealed class ConsoleTopology(TestServers servers) : IAsyncLifetime
{
    public const string AdminKey = "ops-test-admin-key";
    public const string ServiceAdminKey = "ops-test-service-key";
    public const string SlaPartnerId = "sla-breaker";
    public const string FailingWidget = "w-replay";
    public static readonly string[] StubbedServices = ["erp-adapter", "shopify-adapter", "amazon-adapter", "threepl-adapter", "fulfillmentservice"];

    private readonly SemaphoreSlim _browserLock = new(1, 1);
    private AdminStub _stub = null!;
    private TestWebApp _grpcStub = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public TestWebApp Gateway { get; private set; } = null!;

    public TestWebApp Widgets { get; private set; } = null!;

    public OperationsFactory ConsoleHost { get; private set; } = null!;

    public Uri ConsoleAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _stub = await AdminStub.StartAsync(ServiceAdminKey);
        _grpcStub = await TestWebApp.StartAsync(
            new Dictionary<string, string?>(),
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddGrpc();
            },
            app =>
            {
                app.MapGrpcService<StubOrders>();
                app.MapGrpcService<StubFulfillment>();
            });
        Widgets = await StartWidgetsAsync();

        var consolePort = FreePort.Next();
        ConsoleAddress = new Uri($"http://127.0.0.1:{consolePort}");
        Gateway = await StartGatewayAsync(ConsoleAddress);
        ConsoleHost = OperationsFactory.Start(new Dictionary<string, string?>
        {
            ["HTTP_PORT"] = consolePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:AdminKey"] = AdminKey,
            ["Operations:GatewayAddress"] = Gateway.HttpAddress.ToString(),
            ["Operations:OrdersAddress"] = _grpcStub.GrpcAddress.ToString(),
            ["Operations:FulfillmentAddress"] = _grpcStub.GrpcAddress.ToString(),
            [$"Operations:Sla:{SlaPartnerId}:MaxErrorsPerHour"] = "0",
            // Every test signs in from loopback; SignInLimitTests checks the limit on a console of its own.
            ["Operations:SignInAttemptsPerMinute"] = "1000",
        });
    }

    /// <summary>A client of the gateway's own admin API, for seeding and checking what the console did.</summary>
    public HttpClient GatewayAdmin()
    {
        var client = Gateway.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    /// <summary>Onboards a partner through the gateway's admin API; answers its API key.</summary>
    public async Task<string> CreatePartnerAsync(string partnerId, params string[] scopes)
    {
        using var admin = GatewayAdmin();
        using var response = await admin.PostAsJsonAsync("/admin/partners", new
        {
            partnerId,
            kind = "b2b",
            channel = "b2b",
            scopes,
            rateLimit = new { perSecond = 25, burst = 50 },
            dailyQuota = 10000,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"Creating {partnerId}: {body}");
        return body.GetProperty("apiKey").GetString()!;
    }

    /// <summary>A widget event its handler refuses, left in the widgets' dead letters after the retries; answers its id.</summary>
    public async Task<Guid> DeadLetterAsync(string widgetId)
    {
        Widgets.App.Services.GetRequiredService<FailurePlan>().Fail(widgetId);
        await WidgetService.PublishAsync(
            Widgets.App.Services.GetRequiredService<NpgsqlDataSource>(), Widgets.App.Services.GetRequiredService<IEventBus>(), widgetId, 1, 1, CancellationToken.None);
        using var admin = GatewayAdmin();
        var listed = await Eventually.ReachesAsync(
            () => admin.GetFromJsonAsync<JsonElement>("/admin/widgets/dead-letters"),
            list => list.EnumerateArray().Any(d => d.GetProperty("error").GetString()!.Contains(widgetId, StringComparison.Ordinal)),
            $"a dead letter for {widgetId}");
        return listed.EnumerateArray().First(d => d.GetProperty("error").GetString()!.Contains(widgetId, StringComparison.Ordinal)).GetProperty("id").GetGuid();
    }

    public void FixWidget(string widgetId) => Widgets.App.Services.GetRequiredService<FailurePlan>().Fix(widgetId);

    public async Task<long> WidgetEffectsAsync(string widgetId)
    {
        await using var command = Widgets.App.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM widget_effects WHERE widget_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = widgetId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A fresh browser context (its own cookies) on the gateway's address.</summary>
    public async Task<IBrowserContext> NewBrowserContextAsync()
    {
        await _browserLock.WaitAsync();
        try
        {
            if (_browser is null)
            {
                var chromium = Environment.GetEnvironmentVariable("OPERATIONS_TESTS_CHROMIUM") ?? "/usr/bin/chromium";
                Assert.True(File.Exists(chromium), $"{chromium} is missing: install Debian's chromium (scripts/prerequisites.sh does for test runs).");
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
            }
        }
        finally
        {
            _browserLock.Release();
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Gateway.HttpAddress.ToString() });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        ConsoleHost?.Dispose();
        await (Gateway?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Widgets?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_grpcStub?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_stub?.DisposeAsync() ?? ValueTask.CompletedTask);
        _browserLock.Dispose();
    }

    private async Task<TestWebApp> StartWidgetsAsync() => await TestWebApp.StartAsync(
        new Dictionary<string, string?>
        {
            ["ConnectionStrings:widgetsdb"] = await servers.CreateDatabaseAsync("widgets"),
            ["ConnectionStrings:redis"] = servers.RedisConnectionString,
            ["OTEL_SERVICE_NAME"] = "widgets",
            ["Messaging:KeyPrefix"] = $"ops{Guid.NewGuid():N}"[..12] + ":",
            ["Messaging:Subscription"] = "widgets",
            ["Messaging:ConsumerName"] = "widgets-1",
            ["Messaging:MaxDeliveries"] = "3",
            ["Messaging:RetryBaseDelayMilliseconds"] = "20",
            ["Admin:Key"] = ServiceAdminKey,
        },
        builder =>
        {
            builder.AddServiceDefaults();
            WidgetService.Configure(builder);
        },
        app =>
        {
            app.MapDefaultEndpoints();
            WidgetService.Map(app);
        });

    private async Task<TestWebApp> StartGatewayAsync(Uri console)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:gatewaydb"] = await servers.CreateDatabaseAsync("gateway"),
            ["ConnectionStrings:redis"] = servers.RedisConnectionString,
            ["Gateway:AdminKey"] = AdminKey,
            ["Gateway:ServiceAdminKey"] = ServiceAdminKey,
            ["Gateway:SecretsKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["services:operations:http:0"] = console.ToString(),
            ["services:widgets:http:0"] = Widgets.HttpAddress.ToString(),
            // Nothing listens on port 1: the settlement service is down.
            ["services:settlementservice:http:0"] = "http://127.0.0.1:1",
        };
        string[] backends = ["widgets", .. StubbedServices, "settlementservice"];
        for (var i = 0; i < backends.Length; i++)
        {
            settings[$"Gateway:Backends:{i}"] = backends[i];
        }

        foreach (var service in StubbedServices)
        {
            settings[$"services:{service}:http:0"] = _stub.Address.ToString();
        }

        // The gateway's own composition (Gateway/Program.cs), on a TestWebApp: the console's Program is the one under test here.
        return await TestWebApp.StartAsync(
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                GatewayServices.AddApplicationServices(builder);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                GatewayTopology.TopologyApi.MapTopologyApi(app);
                GatewayPartners.PartnersAdminApi.MapPartnersAdminApi(app);
                GatewayAdminApis.DeadLettersAdminApi.MapDeadLettersAdminApi(app);
                GatewayAdminApis.PartnerErrorsAdminApi.MapPartnerErrorsAdminApi(app);
                GatewayRouting.PartnerProxyExtensions.MapPartnerProxy(app);
            });
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleTopology>
{
    public const string Name = "Operations console";
}
