using System.Net.Http.Headers;
using System.Text;
using Distribution.Aspire.Adapters.Shopify.Admin;
using Distribution.Aspire.Adapters.Shopify.Webhooks;
using Distribution.Aspire.Messaging;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Hosting;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>The Shopify adapter running in-process, built as Program.cs builds it, on real Postgres, Redis and HTTP.</summary>
public sealed class ShopifyHost : IAsyncDisposable
{
    public const string AdminKey = "shopify-admin-key";
    public const string PartnerId = "shopify-partner-1";

    private ShopifyHost(TestWebApp app)
    {
        App = app;
        Client = app.CreateClient();
    }

    public TestWebApp App { get; }

    public HttpClient Client { get; }

    public NpgsqlDataSource Database => App.App.Services.GetRequiredService<NpgsqlDataSource>();

    public IEventBus Bus => App.App.Services.GetRequiredService<IEventBus>();

    /// <summary>
    /// Settings of one adapter instance. <paramref name="name"/> isolates its Redis streams and consumer group, so tests
    /// sharing the Redis server never see each other's events; a restarted adapter reuses the same name.
    /// </summary>
    public static Dictionary<string, string?> Settings(string connectionString, string redis, string name, Uri ordersAddress, Uri? adminBaseUrl) => new()
    {
        ["ConnectionStrings:shopifydb"] = connectionString,
        ["ConnectionStrings:redis"] = redis,
        ["OTEL_SERVICE_NAME"] = "shopify-adapter",
        ["Messaging:KeyPrefix"] = name + ":",
        ["Messaging:Subscription"] = "shopify-adapter",
        ["Messaging:ConsumerName"] = "replica-1",
        ["Messaging:PartitionLeaseSeconds"] = "3",
        ["Messaging:RetryBaseDelayMilliseconds"] = "20",
        ["Admin:Key"] = AdminKey,
        ["Shopify:OrdersAddress"] = ordersAddress.ToString(),
        ["Shopify:AdminBaseUrl"] = (adminBaseUrl ?? new Uri("http://127.0.0.1:9/shopify/")).ToString(),
        ["Shopify:AccessToken"] = SandboxHost.AccessToken,
        ["Shopify:SkuMapSyncInterval"] = adminBaseUrl is null ? "00:00:00" : "00:10:00",
        ["Shopify:RequireKnownSku"] = "false",
        ["Shopify:Webhooks:PollInterval"] = "00:00:00.200",
        ["Shopify:Webhooks:FirstBackoff"] = "00:00:00.200",
        ["Shopify:Webhooks:MaxBackoff"] = "00:00:01",
        ["Shopify:Outbound:PollInterval"] = "00:00:00.200",
        ["Shopify:Outbound:FirstBackoff"] = "00:00:00.200",
        ["Shopify:Outbound:MaxBackoff"] = "00:00:01",
        ["Shopify:Http:AttemptTimeout"] = "00:00:03",
        ["Shopify:Http:TotalTimeout"] = "00:00:15",
    };

    public static async Task<ShopifyHost> StartAsync(Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestWebApp.StartAsync(
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddApplicationServices();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGrpcDefaults();
                app.MapMessagingEndpoints();
                app.MapShopifyWebhooksApi();
                app.MapShopifyAdminApi();
                app.MapSlaBreachesApi();
            });
        return new ShopifyHost(app);
    }

    /// <summary>Posts a webhook as the gateway forwards it: Shopify's headers plus the partner identity.</summary>
    public Task<HttpResponseMessage> PostWebhookAsync(string topic, byte[] body, string? eventId, string? webhookId = null, bool withPartner = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, WebhooksApi.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookHeaders.Topic, topic);
        request.Headers.Add(WebhookHeaders.ShopDomain, SandboxHost.ShopDomain);
        request.Headers.Add(WebhookHeaders.ApiVersion, "2025-04");
        request.Headers.Add(WebhookHeaders.TriggeredAt, DateTimeOffset.UtcNow.ToString("O"));
        if (eventId is not null)
        {
            request.Headers.Add(WebhookHeaders.EventId, eventId);
        }

        if (webhookId is not null)
        {
            request.Headers.Add(WebhookHeaders.WebhookId, webhookId);
        }

        if (withPartner)
        {
            request.Headers.Add(PartnerHeaders.PartnerId, PartnerId);
            request.Headers.Add(PartnerHeaders.Channel, "shopify");
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostWebhookAsync(string topic, string body, string? eventId) =>
        PostWebhookAsync(topic, Encoding.UTF8.GetBytes(body), eventId);

    public static HttpRequestMessage Admin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Admin-Key", AdminKey);
        return request;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>Publishes an event through the adapter's own outbox, as another service would through its own.</summary>
    public async Task PublishAsync<TEvent>(TEvent @event) where TEvent : Contracts.Events.IIntegrationEvent
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Bus.PublishAsync(@event, transaction);
        await transaction.CommitAsync();
    }

    public async Task<(string Status, string? Outcome, int Attempts)?> DeliveryAsync(string deliveryId)
    {
        await using var command = Database.CreateCommand("SELECT status, outcome, attempts FROM webhook_deliveries WHERE delivery_id = @id");
        command.Parameters.AddWithValue("id", deliveryId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2)) : null;
    }

    public Task<(string Status, string? Outcome, int Attempts)?> ProcessedAsync(string deliveryId) =>
        Eventually.ReachesAsync(() => DeliveryAsync(deliveryId), d => d is { Status: not "received" }, what: $"delivery {deliveryId} to be processed");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
