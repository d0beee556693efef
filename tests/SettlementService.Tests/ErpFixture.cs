using Distribution.Aspire.Adapters.Sandbox.Erp;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// The settlement and order services plus the ERP adapter and the sandbox ERP (its default chart names the accounts of
/// the shipped posting rules), all on the same Redis streams: settlement.reconciled goes to the ERP and
/// erp.journal_posted comes back.
/// </summary>
public sealed class ErpFixture(TestServers servers) : SettlementHost(servers)
{
    private const string ClientSecret = "settlement-erp-secret";

    public TestWebApp ErpSandbox { get; private set; } = null!;

    public TestWebApp ErpAdapter { get; private set; } = null!;

    public ErpSandboxState Erp => ErpSandbox.App.Services.GetRequiredService<ErpSandboxState>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        ErpSandbox = await TestWebApp.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Sandbox:Erp:ClientSecret"] = ClientSecret },
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
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:erpdb"] = await Servers.CreateDatabaseAsync("erp"),
            ["ConnectionStrings:redis"] = Servers.RedisConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["OTEL_SERVICE_NAME"] = "erp-adapter",
            ["Messaging:KeyPrefix"] = KeyPrefix,
            ["Messaging:RetryBaseDelayMilliseconds"] = "20",
            ["Erp:ApiBaseUrl"] = new Uri(ErpSandbox.HttpAddress, ErpSandboxExtensions.ApiPrefix + "/").ToString(),
            ["Erp:TokenUrl"] = new Uri(ErpSandbox.HttpAddress, "/erp/oauth2/token").ToString(),
            ["Erp:ClientSecret"] = ClientSecret,
            ["Erp:InventoryAddress"] = "http://127.0.0.1:9",
            ["Erp:PollMilliseconds"] = "100",
            ["Erp:ItemSyncIntervalSeconds"] = "0",
        };
        ErpAdapter = await TestWebApp.StartAsync(settings,
            builder =>
            {
                builder.AddServiceDefaults();
                Adapters.Erp.ApplicationServiceExtensions.AddApplicationServices(builder);
            },
            app =>
            {
                app.MapDefaultEndpoints();
                Adapters.Erp.ApplicationServiceExtensions.MapApplicationEndpoints(app);
            });
    }

    public override async ValueTask DisposeAsync()
    {
        if (ErpAdapter is not null)
        {
            await ErpAdapter.DisposeAsync();
        }

        if (ErpSandbox is not null)
        {
            await ErpSandbox.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
