namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>One webhook as Shopify sends it: topic, body bytes, and the ids that stay the same across retries and duplicates.</summary>
public sealed record WebhookDelivery(string Topic, byte[] Body, string WebhookId, string EventId, DateTimeOffset TriggeredAt);

/// <summary>What happened to a delivery, for the inspection API.</summary>
public sealed record WebhookAttempt(string WebhookId, string EventId, string Topic, int Attempt, int? StatusCode, string? Error, DateTimeOffset At, bool Duplicate);
