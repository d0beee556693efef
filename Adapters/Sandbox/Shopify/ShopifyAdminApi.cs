using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// The simulated Admin REST API under <c>/shopify/admin/api/{version}</c>: inventory_levels/set and the level list,
/// products and locations (for the adapter's SKU map), fulfillment orders and fulfillments, and the GraphQL endpoint
/// (<see cref="ShopifyGraphQlApi"/>). Errors look like
/// Shopify's (<c>{"errors": ...}</c>, 404/422).
/// </summary>
public static class ShopifyAdminApi
{
    public const string Prefix = "/shopify/admin/api/{version}";

    public static IEndpointRouteBuilder MapShopifyAdminApi(this IEndpointRouteBuilder endpoints)
    {
        // One guard for all calls (AddEndpointFilter<T> would make one per request): it counts calls for the 429 bursts.
        var api = endpoints.MapGroup(Prefix).AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<AdminApiGuard>()).WithTags("Shopify sandbox Admin API");
        api.MapPost("/inventory_levels/set.json", SetInventoryLevel).WithDisplayName("inventory_levels.set");
        api.MapGet("/inventory_levels.json", ListInventoryLevels).WithDisplayName("inventory_levels.list");
        api.MapGet("/products.json", ListProducts).WithDisplayName("products.list");
        api.MapGet("/locations.json", ListLocations).WithDisplayName("locations.list");
        api.MapGet("/orders/{orderId:long}/fulfillment_orders.json", ListFulfillmentOrders).WithDisplayName("fulfillment_orders.list");
        api.MapPost("/fulfillments.json", CreateFulfillment).WithDisplayName("fulfillments.create");
        api.MapGet("/orders/{orderId:long}/fulfillments.json", ListFulfillments).WithDisplayName("fulfillments.list");
        api.MapPost("/graphql.json", ShopifyGraphQlApi.Execute).WithDisplayName(ShopifyGraphQlApi.Operation);
        return endpoints;
    }

    public static IResult SetInventoryLevel(JsonObject? body, ShopifyShop shop, WebhookSender webhooks, ShopifyFaultSwitch faults, TimeProvider clock)
    {
        if (!TryLong(body, "location_id", out var location) || !TryLong(body, "inventory_item_id", out var item) || !TryInt(body, "available", out var available))
        {
            return Unprocessable("location_id, inventory_item_id and available are required numbers");
        }

        if (location != shop.LocationId)
        {
            return Results.Json(new { errors = "Not Found" }, statusCode: StatusCodes.Status404NotFound);
        }

        if (shop.SetLevel(item, available) is not { } set)
        {
            return Unprocessable("inventory_item_id: Inventory item does not exist");
        }

        var now = clock.GetUtcNow();
        if (set.Before != available && faults.Current.EchoInventoryWebhooks)
        {
            webhooks.Enqueue("inventory_levels/update", ShopifyPayloads.InventoryLevel(item, location, available, now));
        }

        return Results.Json(new JsonObject { ["inventory_level"] = ShopifyPayloads.InventoryLevel(item, location, available, now) });
    }

    public static IResult ListInventoryLevels([FromQuery(Name = "inventory_item_ids")] string? inventoryItemIds, ShopifyShop shop, TimeProvider clock)
    {
        var ids = (inventoryItemIds ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(id => long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0).Where(id => id > 0);
        var levels = new JsonArray();
        foreach (var id in ids)
        {
            if (shop.Level(id) is { } available)
            {
                levels.Add(ShopifyPayloads.InventoryLevel(id, shop.LocationId, available, clock.GetUtcNow()));
            }
        }

        return Results.Json(new JsonObject { ["inventory_levels"] = levels });
    }

    public static IResult ListProducts(int? limit, [FromQuery(Name = "since_id")] long? sinceId, ShopifyShop shop) =>
        Results.Json(ShopifyPayloads.Products(shop.Products.Where(p => p.ProductId > (sinceId ?? 0)).Take(Math.Clamp(limit ?? 50, 1, 250))));

    public static IResult ListLocations(ShopifyShop shop) =>
        Results.Json(new JsonObject
        {
            ["locations"] = new JsonArray(new JsonObject { ["id"] = shop.LocationId, ["name"] = "Distribution Sandbox Warehouse", ["active"] = true, ["country_code"] = "US" }),
        });

    public static IResult ListFulfillmentOrders(long orderId, ShopifyShop shop) =>
        shop.Order(orderId) is { } order
            ? Results.Json(ShopifyPayloads.FulfillmentOrders(shop, order))
            : Results.Json(new { errors = "Not Found" }, statusCode: StatusCodes.Status404NotFound);

    public static IResult CreateFulfillment(JsonObject? body, ShopifyShop shop)
    {
        if (body?["fulfillment"] is not JsonObject fulfillment || fulfillment["line_items_by_fulfillment_order"] is not JsonArray groups)
        {
            return Unprocessable("fulfillment.line_items_by_fulfillment_order is required");
        }

        var requested = new List<(long, long, int)>();
        foreach (var group in groups.OfType<JsonObject>())
        {
            if (!TryLong(group, "fulfillment_order_id", out var fulfillmentOrderId))
            {
                return Unprocessable("fulfillment_order_id is required");
            }

            foreach (var line in (group["fulfillment_order_line_items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (!TryLong(line, "id", out var lineId) || !TryInt(line, "quantity", out var quantity))
                {
                    return Unprocessable("fulfillment_order_line_items need id and quantity");
                }

                requested.Add((fulfillmentOrderId, lineId, quantity));
            }
        }

        var tracking = fulfillment["tracking_info"] as JsonObject;
        var (created, error) = shop.Fulfill(requested, Text(tracking?["number"]), Text(tracking?["company"]));
        if (created is null)
        {
            return Unprocessable(error!);
        }

        return shop.TakeDroppedFulfillmentAnswer()
            ? Results.Json(new { errors = "Gateway Timeout" }, statusCode: StatusCodes.Status504GatewayTimeout)
            : Results.Json(ShopifyPayloads.Fulfillment(created), statusCode: StatusCodes.Status201Created);
    }

    public static IResult ListFulfillments(long orderId, ShopifyShop shop) =>
        shop.Order(orderId) is not null
            ? Results.Json(ShopifyPayloads.Fulfillments(shop.Fulfillments(orderId)))
            : Results.Json(new { errors = "Not Found" }, statusCode: StatusCodes.Status404NotFound);

    private static IResult Unprocessable(string error) =>
        Results.Json(new { errors = new[] { error } }, statusCode: StatusCodes.Status422UnprocessableEntity);

    private static bool TryLong(JsonObject? body, string name, out long value)
    {
        value = 0;
        return body?[name] is JsonValue node && node.GetValueKind() == JsonValueKind.Number && node.TryGetValue(out value);
    }

    private static bool TryInt(JsonObject? body, string name, out int value)
    {
        value = 0;
        return body?[name] is JsonValue node && node.GetValueKind() == JsonValueKind.Number && node.TryGetValue(out value);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
