namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// A Shopify Admin API call that did not succeed. <see cref="Transient"/> failures (429 after the retries, 5xx,
/// timeouts, an open circuit, no connection) are tried again later from the durable queue; the others (400, 401,
/// 404, 422...) will not get better by themselves and go on the exceptions list.
/// </summary>
public sealed class ShopifyApiException(string operation, int? statusCode, string detail, bool transient, Exception? inner = null)
    : Exception($"Shopify {operation} failed{(statusCode is { } code ? $" with {code}" : string.Empty)}: {detail}", inner)
{
    public string Operation { get; } = operation;

    public int? StatusCode { get; } = statusCode;

    public bool Transient { get; } = transient;
}
