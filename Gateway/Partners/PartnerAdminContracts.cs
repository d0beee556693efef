namespace Distribution.Aspire.Gateway.Partners;

// The admin API's JSON, named as in ARCHITECTURE.md's "v1 contract essentials". Request members are nullable
// so that a missing field is reported as a validation error rather than a binding failure.

public sealed record RateLimitBody(int? PerSecond, int? Burst);

public sealed record CreatePartnerRequest(
    string? PartnerId, string? Kind, string? Channel, string[]? Scopes, RateLimitBody? RateLimit, int? DailyQuota, string? ShopDomain);

public sealed record UpdatePartnerRequest(string? Channel, string[]? Scopes, RateLimitBody? RateLimit, int? DailyQuota, string? ShopDomain);

public sealed record LimitsRequest(RateLimitBody? RateLimit, int? DailyQuota);

public sealed record WebhookSecretRequest(string? Secret);

public sealed record RateLimitView(int PerSecond, int Burst);

public sealed record PartnerKeyView(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A partner as operators see it: never a key, a key hash or a secret.</summary>
public sealed record PartnerView(
    string PartnerId,
    string Kind,
    string Channel,
    string Status,
    string[] Scopes,
    RateLimitView RateLimit,
    int? DailyQuota,
    string? ShopDomain,
    bool HasWebhookSecret,
    IReadOnlyList<PartnerKeyView> Keys,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The answer to creating a partner: the only time its first API key is shown.</summary>
public sealed record CreatedPartner(
    string PartnerId,
    string ApiKey,
    string KeyId,
    string Kind,
    string Channel,
    string Status,
    string[] Scopes,
    RateLimitView RateLimit,
    int? DailyQuota,
    string? ShopDomain);

/// <summary>The answer to issuing another key: shown once.</summary>
public sealed record IssuedKey(string PartnerId, string KeyId, string ApiKey, DateTimeOffset CreatedAt);
