namespace Distribution.Aspire.Adapters.Shopify.Exceptions;

/// <summary>What goes on the exceptions list: the stage and stable code, a reason for people, and the raw body.</summary>
public sealed record NewException(
    string Stage,
    string Code,
    string Reason,
    string? DeliveryId = null,
    long? CommandId = null,
    string? ShopDomain = null,
    string? PartnerId = null,
    string? Topic = null,
    long? ShopifyOrderId = null,
    ReadOnlyMemory<byte> Body = default,
    long BodyBytes = 0);
