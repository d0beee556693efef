using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.Adapters.Sandbox.ThreePL;
using Distribution.Aspire.Contracts.Events;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Tests;

/// <summary>
/// The 3PL adapter in-process on real Postgres and Redis, recording gRPC doubles as Fulfillment and Inventory,
/// and (when asked) the sandbox 3PL in-process, posting straight to the adapter with the partner headers the
/// gateway would stamp. Partners: "acme-3pl" (X12, the sandbox's identity) and "json-3pl" (JSON orders).
/// </summary>
public sealed class ThreePLHost : IAsyncDisposable
{
    public const string AdminKey = "threepl-admin";
    public const string X12Partner = "acme-3pl";
    public const string JsonPartner = "json-3pl";
    public const string PartnerIsaId = X12Text.Partner;
    public const string Location = "3pl-acme-east";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<WebApplicationBuilder>? _configure;

    private ThreePLHost(TestWebApp backends, RecordingBackends recorded, TestWebApp? sandbox, Dictionary<string, string?> settings, Action<WebApplicationBuilder>? configure)
    {
        _configure = configure;
        Backends = backends;
        Recorded = recorded;
        Sandbox = sandbox;
        _settings = settings;
    }

    public TestWebApp Backends { get; }

    public RecordingBackends Recorded { get; }

    public TestWebApp? Sandbox { get; }

    public WebApplication Adapter { get; private set; } = null!;

    public NpgsqlDataSource Database => Adapter.Services.GetRequiredService<NpgsqlDataSource>();

    public ThreePLSandboxState SandboxState => Sandbox!.App.Services.GetRequiredService<ThreePLSandboxState>();

    public static async Task<ThreePLHost> StartAsync(
        TestServers servers,
        IReadOnlyDictionary<string, string?>? adapter = null,
        bool withSandbox = false,
        IReadOnlyDictionary<string, string?>? sandbox = null,
        Action<WebApplicationBuilder>? configureAdapter = null)
    {
        var recorded = new RecordingBackends();
        var backends = await TestWebApp.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" },
            builder =>
            {
                builder.ConfigureServiceEndpoints();
                builder.Services.AddGrpc();
                builder.Services.AddSingleton(recorded);
            },
            app =>
            {
                app.MapGrpcService<RecordingFulfillment>();
                app.MapGrpcService<RecordingInventory>();
            });

        var adapterHttpPort = FreePort.Next();
        TestWebApp? sandboxApp = null;
        if (withSandbox)
        {
            var sandboxSettings = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Sandbox:ThreePL:InterchangeId"] = PartnerIsaId,
                ["Sandbox:ThreePL:ReceiverId"] = X12Text.Us,
                ["Sandbox:ThreePL:GatewayUrl"] = $"http://127.0.0.1:{adapterHttpPort}",
                ["Sandbox:ThreePL:Headers:X-Partner-Id"] = X12Partner,
                ["Sandbox:ThreePL:Headers:X-Partner-Channel"] = "3pl",
                ["Sandbox:ThreePL:WarehouseCode"] = "ACME01",
                ["Sandbox:ThreePL:ShipAfterSeconds"] = "0.5",
                ["Sandbox:ThreePL:InTransitAfterSeconds"] = "1",
                ["Sandbox:ThreePL:DeliveredAfterSeconds"] = "1.5",
                ["Sandbox:ThreePL:TickMilliseconds"] = "100",
            };
            foreach (var (key, value) in sandbox ?? new Dictionary<string, string?>())
            {
                sandboxSettings[key] = value;
            }

            sandboxApp = await TestWebApp.StartAsync(
                sandboxSettings,
                builder =>
                {
                    builder.AddServiceDefaults();
                    builder.AddThreePLSandbox();
                },
                app =>
                {
                    app.MapDefaultEndpoints();
                    app.MapThreePLSandbox();
                });
        }

        var database = await servers.CreateDatabaseAsync("threepl");
        var prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:threepldb"] = database,
            ["Logging:LogLevel:Default"] = "Warning",
            ["ConnectionStrings:redis"] = servers.RedisConnectionString,
            ["OTEL_SERVICE_NAME"] = "threepl-adapter",
            ["Messaging:KeyPrefix"] = prefix,
            ["Messaging:RetryBaseDelayMilliseconds"] = "20",
            ["Messaging:PartitionLeaseSeconds"] = "3",
            ["Admin:Key"] = AdminKey,
            ["HTTP_PORT"] = adapterHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GRPC_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ThreePL:InterchangeId"] = X12Text.Us,
            ["ThreePL:FulfillmentAddress"] = backends.GrpcAddress.ToString(),
            ["ThreePL:InventoryAddress"] = backends.GrpcAddress.ToString(),
            ["ThreePL:ApplyPollMilliseconds"] = "100",
            ["ThreePL:OutboundPollMilliseconds"] = "100",
            ["ThreePL:RetryBaseMilliseconds"] = "100",
            ["ThreePL:RetryMaxSeconds"] = "1",
            ["ThreePL:Http:AttemptTimeoutSeconds"] = "2",
            ["ThreePL:Http:MaxRetryAttempts"] = "1",
            ["ThreePL:Http:RetryBaseDelayMilliseconds"] = "50",
            ["ThreePL:Partners:acme-3pl:Format"] = "x12",
            ["ThreePL:Partners:acme-3pl:InterchangeId"] = PartnerIsaId,
            ["ThreePL:Partners:acme-3pl:DefaultLocation"] = Location,
            ["ThreePL:Partners:acme-3pl:Locations:ACME01"] = Location,
            ["ThreePL:Partners:acme-3pl:Locations:ACME02"] = "3pl-acme-west",
            ["ThreePL:Partners:acme-3pl:EdiUrl"] = sandboxApp is null ? "http://127.0.0.1:9/none" : $"{sandboxApp.HttpAddress}sandbox/3pl/edi",
            ["ThreePL:Partners:json-3pl:Format"] = "json",
            ["ThreePL:Partners:json-3pl:DefaultLocation"] = "3pl-json",
            ["ThreePL:Partners:json-3pl:OrdersUrl"] = sandboxApp is null ? "http://127.0.0.1:9/none" : $"{sandboxApp.HttpAddress}sandbox/3pl/orders",
        };
        foreach (var (key, value) in adapter ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = new ThreePLHost(backends, recorded, sandboxApp, settings, configureAdapter);
        await host.StartAdapterAsync();
        return host;
    }

    /// <summary>
    /// Starts (or restarts) the adapter on the same HTTP and gRPC ports and database, so the sandbox keeps finding it.
    /// </summary>
    public async Task StartAdapterAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(_settings);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        _configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapApplicationEndpoints();
        await app.StartAsync();
        Adapter = app;
    }

    public string ConnectionString => _settings["ConnectionStrings:threepldb"]!;

    public Uri AdapterAddress => new($"http://127.0.0.1:{_settings["HTTP_PORT"]}");

    public async Task StopAdapterAsync()
    {
        await Adapter.StopAsync();
        await Adapter.DisposeAsync();
    }

    public HttpClient PartnerClient(string partnerId = X12Partner)
    {
        var client = new HttpClient { BaseAddress = AdapterAddress };
        client.DefaultRequestHeaders.Add("X-Partner-Id", partnerId);
        client.DefaultRequestHeaders.Add("X-Partner-Channel", "3pl");
        return client;
    }

    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = AdapterAddress };
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return client;
    }

    public async Task<HttpResponseMessage> PostEdiAsync(string body, string partnerId = X12Partner)
    {
        using var client = PartnerClient(partnerId);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/edi-x12");
        return await client.PostAsync("/partners/3pl/edi", content);
    }

    public async Task<HttpResponseMessage> PostEventAsync(object body, string partnerId = X12Partner) =>
        await PostEventTextAsync(body as string ?? JsonSerializer.Serialize(body, ThreePLJson.Options), partnerId);

    public async Task<HttpResponseMessage> PostEventTextAsync(string body, string partnerId = X12Partner)
    {
        using var client = PartnerClient(partnerId);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.PostAsync("/partners/3pl/events", content);
    }

    /// <summary>A shipment we asked the partner for, as if its 940 had gone out.</summary>
    public async Task<Guid> SeedOrderAsync(string reference, string partnerId = X12Partner, params (string LineId, string Sku, int Quantity)[] lines)
    {
        var shipmentId = Guid.NewGuid();
        await using var command = Database.CreateCommand(
            "INSERT INTO shipment_orders (shipment_id, partner_id, order_reference, order_id, location_id, lines, status) VALUES (@s, @p, @r, @o, @l, @lines::jsonb, 'requested')");
        command.Parameters.AddWithValue("s", shipmentId);
        command.Parameters.AddWithValue("p", partnerId);
        command.Parameters.AddWithValue("r", reference);
        command.Parameters.AddWithValue("o", Guid.NewGuid());
        command.Parameters.AddWithValue("l", Location);
        command.Parameters.AddWithValue("lines", JsonSerializer.Serialize(lines.Select(l => new { line_id = l.LineId, sku = l.Sku, quantity = l.Quantity })));
        await command.ExecuteNonQueryAsync();
        return shipmentId;
    }

    /// <summary>Publishes an event through the adapter's own outbox; the adapter consumes it like any subscriber.</summary>
    public async Task PublishAsync<TEvent>(TEvent @event) where TEvent : IIntegrationEvent
    {
        var bus = Adapter.Services.GetRequiredService<IEventBus>();
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await bus.PublishAsync(@event, transaction, CancellationToken.None);
        await transaction.CommitAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<string>> ColumnAsync(string sql)
    {
        await using var command = Database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? string.Empty : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAdapterAsync();
        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        await Backends.DisposeAsync();
    }
}
