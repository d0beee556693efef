namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

/// <summary>A delivery as stored by <see cref="WebhookIntake"/>, read back by the worker.</summary>
public sealed record StoredDelivery(string DeliveryId, string ShopDomain, string PartnerId, string Topic, byte[] Body, int Attempts, DateTimeOffset ReceivedAt);
