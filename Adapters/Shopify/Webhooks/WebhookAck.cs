namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>The answer to Shopify: <c>accepted</c> (stored, processed next) or <c>duplicate</c> (seen before, nothing changed).</summary>
public sealed record WebhookAck(string DeliveryId, string Status);
