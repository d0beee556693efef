using Distribution.Aspire.Gateway.Partners;

namespace Distribution.Aspire.Gateway.Routing;

public enum AuthScheme
{
    /// <summary><c>X-Api-Key</c>.</summary>
    ApiKey,

    /// <summary><c>X-Api-Key</c>, plus <c>X-Signature</c> once the partner has a webhook secret.</summary>
    ApiKeyAndSignature,

    /// <summary><c>X-Shopify-Hmac-Sha256</c> over the raw body, shop from <c>X-Shopify-Shop-Domain</c>.</summary>
    ShopifyHmac,

    /// <summary><c>X-Admin-Key</c> (operators).</summary>
    AdminKey,

    /// <summary>
    /// None at the gateway: the destination signs its users in itself (the operations console, whose operators
    /// sign in with the admin key and then hold its cookie). Nothing about a partner is stamped.
    /// </summary>
    Destination,
}

/// <summary>Routes that share a destination and one set of policies: who may call, how, and within which limits.</summary>
public sealed class RouteGroup
{
    public required string Name { get; init; }

    /// <summary>Low-cardinality name for metrics and logs (every per-service admin group is "admin").</summary>
    public required string AuditName { get; init; }

    public required IReadOnlyList<string> Paths { get; init; }

    public required string Destination { get; init; }

    public required AuthScheme Auth { get; init; }

    public PartnerScopes Scope { get; init; }

    public required long MaxBodyBytes { get; init; }

    public required IReadOnlyList<string> ContentTypes { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Rewrites the forwarded path (YARP path pattern), e.g. <c>/admin/{**rest}</c>.</summary>
    public string? PathPattern { get; init; }

    public string? Deprecation { get; init; }

    public string? Sunset { get; init; }

    public string? Link { get; init; }

    /// <summary>Whether the body must be read before forwarding, because the credential signs it.</summary>
    public bool SignsBody => Auth is AuthScheme.ShopifyHmac or AuthScheme.ApiKeyAndSignature;

    public bool AcceptsContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
        {
            mediaType = mediaType[..parameters];
        }

        mediaType = mediaType.Trim();
        foreach (var accepted in ContentTypes)
        {
            if (mediaType.Equals(accepted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
