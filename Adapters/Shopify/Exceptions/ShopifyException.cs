namespace Distribution.Aspire.Adapters.Shopify.Exceptions;

/// <summary>One row of the exceptions list as operators see it; <see cref="Body"/> only in the single-item view.</summary>
public sealed record ShopifyException(
    Guid Id,
    string Stage,
    string Code,
    string Reason,
    string? DeliveryId,
    long? CommandId,
    string? ShopDomain,
    string? PartnerId,
    string? Topic,
    long? ShopifyOrderId,
    long BodyBytes,
    bool BodyTruncated,
    string Status,
    int Occurrences,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    string? Body = null);
