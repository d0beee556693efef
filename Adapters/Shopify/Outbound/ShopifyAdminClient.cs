using System.Net;
using System.Text.Json;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// The Shopify Admin API calls the adapter makes, against <see cref="ShopifyOptions.AdminBaseUrl"/> (the sandbox
/// locally): REST for fulfillments, the catalog and payouts, GraphQL for quantities (many items per call). Call
/// pacing (REST call bucket, GraphQL cost bucket), retries and the circuit breaker sit in the HttpClient's handlers
/// and here; this class turns answers into results or a <see cref="ShopifyApiException"/>.
/// </summary>
public sealed class ShopifyAdminClient(HttpClient http, IOptions<ShopifyOptions> options, ShopifyTelemetry telemetry, ShopifyCostBudget costs, AdapterMetrics metrics, TimeProvider clock)
{
    public const string AccessTokenHeader = "X-Shopify-Access-Token";

    /// <summary>Shopify's limit of quantities per <c>inventorySetQuantities</c> call.</summary>
    public const int MaxQuantitiesPerCall = 250;

    public const string SetQuantitiesOperation = "graphql.inventorySetQuantities";

    public const string SetQuantitiesMutation = """
        mutation inventorySetQuantities($input: InventorySetQuantitiesInput!) {
          inventorySetQuantities(input: $input) {
            inventoryAdjustmentGroup { id }
            userErrors { code field message }
          }
        }
        """;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static readonly JsonSerializerOptions GraphQlJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Sets the available quantities of up to <see cref="MaxQuantitiesPerCall"/> items in one GraphQL call (absolute, no
    /// compare quantity, so repeating it is harmless) and returns Shopify's userErrors. Shopify validates the input as
    /// a whole: when there are userErrors, nothing was set. A <c>THROTTLED</c> answer (nothing was run) is waited out
    /// by the cost budget and sent again, up to <see cref="ShopifyOptions.HttpOptions.MaxRetries"/> times.
    /// </summary>
    public async Task<IReadOnlyList<ShopifyUserError>> SetInventoryQuantitiesAsync(IReadOnlyList<QuantityToSet> quantities, CancellationToken cancellationToken)
    {
        const string operation = SetQuantitiesOperation;
        var input = new InventorySetQuantitiesInput("available", "correction", IgnoreCompareQuantity: true,
            [.. quantities.Select(q => new InventoryQuantityInput($"gid://shopify/InventoryItem/{q.InventoryItemId}", $"gid://shopify/Location/{q.LocationId}", q.Quantity))]);
        var body = new GraphQlRequest<SetQuantitiesVariables>(SetQuantitiesMutation, new SetQuantitiesVariables(input));
        for (var attempt = 0; ; attempt++)
        {
            var wait = costs.Reserve();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }

            var answer = await SendAsync<GraphQlResponse<SetQuantitiesData>>(HttpMethod.Post, "graphql.json", body, operation, idempotent: true, cancellationToken, graphQl: true);
            costs.Observe(answer.Extensions?.Cost);
            if (answer.Errors is { Count: > 0 } errors)
            {
                if (!errors.Any(e => e.Extensions?.Code == "THROTTLED"))
                {
                    throw new ShopifyApiException(operation, 200, string.Join("; ", errors.Select(e => e.Extensions?.Code ?? e.Message)), transient: false);
                }

                // Shopify's 429 of GraphQL: counted with the REST 429s.
                ShopifyTelemetry.Count(telemetry.Throttled, "operation", operation);
                metrics.CountThrottled(options.Value.PartnerId, ShopifyOptions.Channel, operation);
                if (attempt >= options.Value.Http.MaxRetries)
                {
                    throw new ShopifyApiException(operation, 200, "THROTTLED", transient: true);
                }

                continue;
            }

            return answer.Data?.InventorySetQuantities is { } payload
                ? payload.UserErrors ?? []
                : throw new ShopifyApiException(operation, 200, "no inventorySetQuantities in the answer", transient: false);
        }
    }

    public async Task<IReadOnlyList<FulfillmentOrder>> GetFulfillmentOrdersAsync(long shopifyOrderId, CancellationToken cancellationToken) =>
        (await SendAsync<FulfillmentOrdersEnvelope>(HttpMethod.Get, $"orders/{shopifyOrderId}/fulfillment_orders.json", null,
            "fulfillment_orders.list", idempotent: true, cancellationToken)).FulfillmentOrders;

    public async Task<Fulfillment> CreateFulfillmentAsync(FulfillmentCreate fulfillment, CancellationToken cancellationToken) =>
        (await SendAsync<FulfillmentEnvelope>(HttpMethod.Post, "fulfillments.json", new FulfillmentCreateBody(fulfillment),
            "fulfillments.create", idempotent: false, cancellationToken)).Fulfillment;

    public async Task<IReadOnlyList<Fulfillment>> GetFulfillmentsAsync(long shopifyOrderId, CancellationToken cancellationToken) =>
        (await SendAsync<FulfillmentsEnvelope>(HttpMethod.Get, $"orders/{shopifyOrderId}/fulfillments.json?limit=250", null,
            "fulfillments.list", idempotent: true, cancellationToken)).Fulfillments;

    /// <summary>One page of products (id and variants only), after <paramref name="sinceId"/>.</summary>
    public async Task<IReadOnlyList<Product>> ListProductsAsync(long sinceId, int limit, CancellationToken cancellationToken) =>
        (await SendAsync<ProductsEnvelope>(HttpMethod.Get, $"products.json?limit={limit}&since_id={sinceId}&fields=id,variants", null,
            "products.list", idempotent: true, cancellationToken)).Products;

    public async Task<IReadOnlyList<Location>> ListLocationsAsync(CancellationToken cancellationToken) =>
        (await SendAsync<LocationsEnvelope>(HttpMethod.Get, "locations.json", null, "locations.list", idempotent: true, cancellationToken)).Locations;

    /// <summary>Any read of the Admin API (Shopify Payments payouts and the like), paced and retried like every call.</summary>
    public Task<T> GetAsync<T>(string pathAndQuery, string operation, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, pathAndQuery, null, operation, idempotent: true, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string operation, bool idempotent, CancellationToken cancellationToken, bool graphQl = false)
    {
        var json = graphQl ? GraphQlJson : Json;
        var settings = options.Value;
        using var activity = telemetry.Start("api." + operation);
        using var request = new HttpRequestMessage(method, $"admin/api/{settings.ApiVersion}/{path}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: json);
        }

        request.Headers.Add(AccessTokenHeader, settings.AccessToken);
        request.Options.Set(ShopifyRetryPolicy.Idempotent, idempotent);
        request.Options.Set(ShopifyRetryPolicy.Operation, operation);
        request.Options.Set(ShopifyCostBudget.CostLimited, graphQl);

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
                return await response.Content.ReadFromJsonAsync<T>(json, cancellationToken)
                    ?? throw new ShopifyApiException(operation, status, "empty answer", transient: false);
            }
            catch (JsonException ex)
            {
                throw new ShopifyApiException(operation, status, "unreadable answer: " + ex.Message, transient: false, ex);
            }
        }
    }
}
