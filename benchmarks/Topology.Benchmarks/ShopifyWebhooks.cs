using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Topology.Benchmarks;

/// <summary>
/// Signed Shopify order webhooks built from an order the sandbox shop rendered (so they carry every field real
/// payloads do), with fresh order and line ids, sent through the gateway the way Shopify sends them.
/// </summary>
public sealed class ShopifyWebhooks(HttpClient gateway, JsonElement template, IReadOnlyList<string> skus)
{
    // Far above the sandbox shop's own ids, distinct per run.
    private readonly long _firstId = 5_000_000_000_000 + (DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 1_000_000) * 100_000;
    private long _next;

    public long NextOrderId() => _firstId + Interlocked.Increment(ref _next);

    public byte[] Body(long orderId, bool updated = false)
    {
        var order = JsonNode.Parse(template.GetRawText())!.AsObject();
        order["id"] = orderId;
        order["admin_graphql_api_id"] = $"gid://shopify/Order/{orderId}";
        order["name"] = $"#B{orderId % 10_000_000}";
        if (updated)
        {
            order["updated_at"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        var sku = skus[(int)(orderId % skus.Count)];
        foreach (var line in order["line_items"]!.AsArray())
        {
            line!["id"] = orderId * 10 + 1;
            line["sku"] = sku;
            line["admin_graphql_api_id"] = $"gid://shopify/LineItem/{orderId * 10 + 1}";
        }

        return Encoding.UTF8.GetBytes(order.ToJsonString());
    }

    /// <summary>One delivery; the same <paramref name="webhookId"/> again is a redelivery of it.</summary>
    public async Task<int> SendAsync(string topic, byte[] body, string webhookId, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partners/shopify/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-Shopify-Topic", topic);
        request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Topology.WebhookSecret), body)));
        request.Headers.Add("X-Shopify-Shop-Domain", Topology.ShopDomain);
        request.Headers.Add("X-Shopify-API-Version", "2025-07");
        request.Headers.Add("X-Shopify-Webhook-Id", webhookId);
        request.Headers.Add("X-Shopify-Event-Id", webhookId);
        request.Headers.Add("X-Shopify-Triggered-At", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        try
        {
            using var response = await gateway.SendAsync(request, cancellation);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Shopify's contract: anything but a 2xx is retried with back-off (here up to ~5 minutes).</summary>
    public async Task<(int Status, int Attempts)> DeliverAsync(string topic, byte[] body, string webhookId, CancellationToken cancellation)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            var status = await SendAsync(topic, body, webhookId, cancellation);
            if (status is >= 200 and < 300 || attempt >= 19)
            {
                return (status, attempt);
            }

            await Task.Delay(delay, cancellation);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 20_000));
        }
    }
}
