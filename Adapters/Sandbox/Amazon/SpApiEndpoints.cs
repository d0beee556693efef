using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>The SP-API operations the Amazon adapter uses: Orders v0 and 2026-01-01, Listings Items, Feeds.</summary>
public static class SpApiEndpoints
{
    public static IEndpointRouteBuilder MapSpApiEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var v0 = endpoints.MapGroup("/orders/v0/orders");
        v0.MapGet("/", GetOrdersV0).AddEndpointFilter(new SpApiBehaviorFilter("getOrders"));
        v0.MapGet("/{orderId}", (string orderId, AmazonSandboxState state) => state.Orders.TryGetValue(orderId, out var order)
            ? TypedResults.Json(new { payload = OrderShapes.V0Order(order) }, OrderShapes.V0Json)
            : NotFound(orderId)).AddEndpointFilter(new SpApiBehaviorFilter("getOrder"));
        v0.MapGet("/{orderId}/orderItems", (string orderId, AmazonSandboxState state) => state.Orders.TryGetValue(orderId, out var order)
            ? TypedResults.Json(new { payload = OrderShapes.V0Items(order) }, OrderShapes.V0Json)
            : NotFound(orderId)).AddEndpointFilter(new SpApiBehaviorFilter("getOrderItems"));
        v0.MapPost("/{orderId}/shipmentConfirmation", ConfirmShipment).AddEndpointFilter(new SpApiBehaviorFilter("confirmShipment"));

        var v2026 = endpoints.MapGroup("/orders/2026-01-01/orders");
        v2026.MapGet("/", SearchOrders).AddEndpointFilter(new SpApiBehaviorFilter("searchOrders"));
        v2026.MapGet("/{orderId}", (string orderId, AmazonSandboxState state) => state.Orders.TryGetValue(orderId, out var order)
            ? TypedResults.Json(new { order = OrderShapes.Order2026(order) })
            : NotFound(orderId)).AddEndpointFilter(new SpApiBehaviorFilter("getOrder.2026"));

        endpoints.MapMethods("/listings/2021-08-01/items/{sellerId}/{sku}", ["PATCH"], PatchListingsItem)
            .AddEndpointFilter(new SpApiBehaviorFilter("patchListingsItem"));

        var feeds = endpoints.MapGroup("/feeds/2021-06-30");
        feeds.MapPost("/documents", CreateFeedDocument).AddEndpointFilter(new SpApiBehaviorFilter("createFeedDocument"));
        feeds.MapPost("/feeds", CreateFeed).AddEndpointFilter(new SpApiBehaviorFilter("createFeed"));
        feeds.MapGet("/feeds/{feedId}", (string feedId, AmazonSandboxState state) => state.Feeds.TryGetValue(feedId, out var feed)
            ? TypedResults.Json(new
            {
                feedId = feed.FeedId,
                feedType = feed.FeedType,
                createdTime = OrderShapes.Iso(feed.CreatedTime),
                processingStatus = feed.ProcessingStatus,
                processingStartTime = OrderShapes.Iso(feed.CreatedTime),
                processingEndTime = OrderShapes.Iso(feed.CreatedTime),
            })
            : SpApiBehaviorFilter.Errors(404, "NotFound", $"Feed {feedId} not found.")).AddEndpointFilter(new SpApiBehaviorFilter("getFeed"));

        // The presigned upload URL createFeedDocument hands out (S3 in reality).
        endpoints.MapPut("/sandbox/amazon/uploads/{documentId}", async (string documentId, HttpRequest request, AmazonSandboxState state) =>
        {
            if (!state.FeedDocuments.ContainsKey(documentId))
            {
                return Results.NotFound();
            }

            using var reader = new StreamReader(request.Body);
            state.FeedDocuments[documentId] = await reader.ReadToEndAsync();
            return Results.Ok();
        });
        return endpoints;
    }

    private static IResult GetOrdersV0(HttpRequest request, AmazonSandboxState state)
    {
        var (page, next) = Search(state, request.Query["LastUpdatedAfter"], request.Query["LastUpdatedBefore"], request.Query["NextToken"]);
        return Results.Json(new { payload = new { Orders = page.Select(OrderShapes.V0Order), NextToken = next } }, OrderShapes.V0Json);
    }

    private static IResult SearchOrders(HttpRequest request, AmazonSandboxState state)
    {
        var (page, next) = Search(state, request.Query["lastUpdatedAfter"], request.Query["lastUpdatedBefore"], request.Query["paginationToken"]);
        return Results.Json(new { orders = page.Select(OrderShapes.Order2026), pagination = next is null ? null : new { nextToken = next } });
    }

    private static (List<SandboxOrder> Page, string? Next) Search(AmazonSandboxState state, string? after, string? before, string? token)
    {
        const int pageSize = 100;
        var from = DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var a) ? a : DateTimeOffset.MinValue;
        var to = DateTimeOffset.TryParse(before, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var b) ? b : DateTimeOffset.MaxValue;
        var skip = int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var matching = state.Orders.Values
            .Where(order => order.LastUpdated >= from && order.LastUpdated <= to)
            .OrderBy(order => order.LastUpdated).ThenBy(order => order.AmazonOrderId, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip(skip).Take(pageSize).ToList();
        return (page, skip + pageSize < matching.Count ? (skip + pageSize).ToString(CultureInfo.InvariantCulture) : null);
    }

    private static async Task<IResult> ConfirmShipment(string orderId, HttpRequest request, AmazonSandboxState state)
    {
        if (!state.Orders.TryGetValue(orderId, out var order))
        {
            return NotFound(orderId);
        }

        var body = await ReadJsonAsync(request);
        var package = body?["packageDetail"];
        var carrierCode = package?["carrierCode"]?.GetValue<string>();
        var tracking = package?["trackingNumber"]?.GetValue<string>();
        var items = package?["orderItems"]?.AsArray()
            .Select(item => new ShippedItem(item?["orderItemId"]?.GetValue<string>() ?? string.Empty, item?["quantity"]?.GetValue<int>() ?? 0))
            .ToList();
        if (string.IsNullOrEmpty(carrierCode) || string.IsNullOrEmpty(tracking) || items is null || items.Count == 0
            || body?["marketplaceId"]?.GetValue<string>() is not { Length: > 0 } marketplaceId)
        {
            return SpApiBehaviorFilter.Errors(400, "InvalidInput", "marketplaceId and packageDetail (carrierCode, trackingNumber, orderItems) are required.");
        }

        if (items.Any(item => order.Items.All(known => known.OrderItemId != item.OrderItemId)))
        {
            return SpApiBehaviorFilter.Errors(400, "InvalidInput", "An orderItemId does not belong to the order.");
        }

        state.Shipments.Enqueue(new ShipmentConfirmation(orderId, marketplaceId, carrierCode, package?["carrierName"]?.GetValue<string>(), tracking, items));
        order.Status = "Shipped";
        order.LastUpdated = state.Time.GetUtcNow();
        return TypedResults.NoContent();
    }

    private static async Task<IResult> PatchListingsItem(string sellerId, string sku, HttpRequest request, AmazonSandboxState state, IOptions<AmazonSandboxOptions> options)
    {
        if (!string.Equals(sellerId, options.Value.SellerId, StringComparison.Ordinal))
        {
            return SpApiBehaviorFilter.Errors(403, "Unauthorized", "Access to requested resource is denied.");
        }

        var body = await ReadJsonAsync(request);
        if (body?["productType"]?.GetValue<string>() is not { Length: > 0 } || body["patches"] is not JsonArray { Count: > 0 } patches)
        {
            return SpApiBehaviorFilter.Errors(400, "InvalidInput", "productType and patches are required.");
        }

        var submissionId = Guid.NewGuid().ToString();
        if (QuantityFrom(patches) is not { } quantity)
        {
            return TypedResults.Json(new
            {
                sku,
                status = "INVALID",
                submissionId,
                issues = new[] { new { code = "90220", message = "'fulfillment_availability' is required but not supplied.", severity = "ERROR" } },
            });
        }

        Record(state, sku, quantity, "listings");
        return TypedResults.Json(new { sku, status = "ACCEPTED", submissionId, issues = Array.Empty<object>() });
    }

    private static async Task<IResult> CreateFeedDocument(HttpRequest request, AmazonSandboxState state)
    {
        var body = await ReadJsonAsync(request);
        if (body?["contentType"]?.GetValue<string>() is not { Length: > 0 })
        {
            return SpApiBehaviorFilter.Errors(400, "InvalidInput", "contentType is required.");
        }

        var documentId = state.NextId("amzn1.tortuga.4.na.sandbox{0}");
        state.FeedDocuments[documentId] = null;
        var url = $"{request.Scheme}://{request.Host}/sandbox/amazon/uploads/{Uri.EscapeDataString(documentId)}";
        return TypedResults.Json(new { feedDocumentId = documentId, url }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Processes the uploaded JSON_LISTINGS_FEED at once: every message's fulfillment_availability is applied.</summary>
    private static async Task<IResult> CreateFeed(HttpRequest request, AmazonSandboxState state)
    {
        var body = await ReadJsonAsync(request);
        var feedType = body?["feedType"]?.GetValue<string>();
        var documentId = body?["inputFeedDocumentId"]?.GetValue<string>();
        if (feedType is null || documentId is null || body?["marketplaceIds"] is not JsonArray { Count: > 0 })
        {
            return SpApiBehaviorFilter.Errors(400, "InvalidInput", "feedType, marketplaceIds and inputFeedDocumentId are required.");
        }

        if (!state.FeedDocuments.TryGetValue(documentId, out var document) || document is null)
        {
            return SpApiBehaviorFilter.Errors(400, "InvalidInput", "The feed document was not uploaded.");
        }

        var feedId = state.NextId("{0}01018");
        var status = "DONE";
        try
        {
            foreach (var message in JsonNode.Parse(document)?["messages"]?.AsArray() ?? [])
            {
                var sku = message?["sku"]?.GetValue<string>();
                var patches = message?["patches"] as JsonArray;
                var quantity = patches is not null
                    ? QuantityFrom(patches)
                    : message?["attributes"]?["fulfillment_availability"]?[0]?["quantity"]?.GetValue<int>();
                if (sku is not null && quantity is { } value)
                {
                    Record(state, sku, value, "feed");
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            status = "FATAL";
        }

        state.Feeds[feedId] = new SandboxFeed(feedId, feedType, documentId, status, state.Time.GetUtcNow(), document);
        return TypedResults.Json(new { feedId }, statusCode: StatusCodes.Status202Accepted);
    }

    private static int? QuantityFrom(JsonArray patches) => patches
        .Where(patch => patch?["path"]?.GetValue<string>() == "/attributes/fulfillment_availability"
            && patch["op"]?.GetValue<string>() is "replace" or "merge" or "add")
        .Select(patch => patch?["value"]?[0]?["quantity"]?.GetValue<int>())
        .FirstOrDefault(quantity => quantity is >= 0);

    private static void Record(AmazonSandboxState state, string sku, int quantity, string via) =>
        state.Quantities.AddOrUpdate(
            sku,
            _ => new ListedQuantity(quantity, state.Time.GetUtcNow(), via, 1),
            (_, old) => new ListedQuantity(quantity, state.Time.GetUtcNow(), via, old.Updates + 1));

    private static async Task<JsonNode?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult NotFound(string orderId) => SpApiBehaviorFilter.Errors(404, "NotFound", $"Order {orderId} not found.");
}
