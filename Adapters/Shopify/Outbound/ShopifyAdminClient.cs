using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// The Shopify Admin REST API calls the adapter makes, against <see cref="ShopifyOptions.AdminBaseUrl"/> (the
/// sandbox locally). Pacing, retries and the circuit breaker sit in the HttpClient's handlers; this class turns
/// answers into results or a <see cref="ShopifyApiException"/>.
/// </summary>
public sealed class ShopifyAdminClient(HttpClient http, IOptions<ShopifyOptions> options, ShopifyTelemetry telemetry)
{
    public const string AccessTokenHeader = "X-Shopify-Access-Token";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Sets the available quantity of an item at a location (absolute, so repeating it is harmless).</summary>
    public async Task<InventoryLevel> SetInventoryLevelAsync(long inventoryItemId, long locationId, int available, CancellationToken cancellationToken) =>
        (await SendAsync<InventoryLevelEnvelope>(HttpMethod.Post, "inventory_levels/set.json", new SetInventoryLevelBody(locationId, inventoryItemId, available),
            "inventory_levels.set", idempotent: true, cancellationToken)).InventoryLevel;

    public async Task<IReadOnlyList<FulfillmentOrder>> GetFulfillmentOrdersAsync(long shopifyOrderId, CancellationToken cancellationToken) =>
        (await SendAsync<FulfillmentOrdersEnvelope>(HttpMethod.Get, $"orders/{shopifyOrderId}/fulfillment_orders.json", null,
            "fulfillment_orders.list", idempotent: true, cancellationToken)).FulfillmentOrders;

    public async Task<Fulfillment> CreateFulfillmentAsync(FulfillmentCreate fulfillment, CancellationToken cancellationToken) =>
        (await SendAsync<FulfillmentEnvelope>(HttpMethod.Post, "fulfillments.json", new FulfillmentCreateBody(fulfillment),
            "fulfillments.create", idempotent: false, cancellationToken)).Fulfillment;

    /// <summary>One page of products (id and variants only), after <paramref name="sinceId"/>.</summary>
    public async Task<IReadOnlyList<Product>> ListProductsAsync(long sinceId, int limit, CancellationToken cancellationToken) =>
        (await SendAsync<ProductsEnvelope>(HttpMethod.Get, $"products.json?limit={limit}&since_id={sinceId}&fields=id,variants", null,
            "products.list", idempotent: true, cancellationToken)).Products;

    public async Task<IReadOnlyList<Location>> ListLocationsAsync(CancellationToken cancellationToken) =>
        (await SendAsync<LocationsEnvelope>(HttpMethod.Get, "locations.json", null, "locations.list", idempotent: true, cancellationToken)).Locations;

    /// <summary>Any read of the Admin API (Shopify Payments payouts and the like), paced and retried like every call.</summary>
    public Task<T> GetAsync<T>(string pathAndQuery, string operation, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, pathAndQuery, null, operation, idempotent: true, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string operation, bool idempotent, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var activity = telemetry.Start("api." + operation);
        using var request = new HttpRequestMessage(method, $"admin/api/{settings.ApiVersion}/{path}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        request.Headers.Add(AccessTokenHeader, settings.AccessToken);
        request.Options.Set(ShopifyRetryPolicy.Idempotent, idempotent);
        request.Options.Set(ShopifyRetryPolicy.Operation, operation);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            ShopifyTelemetry.Count(telemetry.OutboundCalls, "operation", operation, "status", ex is BrokenCircuitException ? "circuit_open" : "no_answer");
            throw new ShopifyApiException(operation, null, ex.Message, transient: true, ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            ShopifyTelemetry.Count(telemetry.OutboundCalls, "operation", operation, "status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                ShopifyTelemetry.Count(telemetry.Throttled, "operation", operation);
            }

            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var transient = status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
                throw new ShopifyApiException(operation, status, text.Length <= 500 ? text : text[..500], transient);
            }

            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                    ?? throw new ShopifyApiException(operation, status, "empty answer", transient: false);
            }
            catch (JsonException ex)
            {
                throw new ShopifyApiException(operation, status, "unreadable answer: " + ex.Message, transient: false, ex);
            }
        }
    }
}
