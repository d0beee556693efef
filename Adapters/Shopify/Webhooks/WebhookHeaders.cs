namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>Headers Shopify sends with every webhook delivery.</summary>
public static class WebhookHeaders
{
    public const string Topic = "X-Shopify-Topic";
    public const string Hmac = "X-Shopify-Hmac-Sha256";
    public const string ShopDomain = "X-Shopify-Shop-Domain";
    public const string ApiVersion = "X-Shopify-API-Version";
    public const string WebhookId = "X-Shopify-Webhook-Id";
    public const string EventId = "X-Shopify-Event-Id";
    public const string TriggeredAt = "X-Shopify-Triggered-At";
}
