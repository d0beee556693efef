using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// The simulated GraphQL Admin API (<c>POST /shopify/admin/api/{version}/graphql.json</c>), for the one mutation the
/// adapter sends: <c>inventorySetQuantities</c> with <c>variables.input</c>. The operation is recognised by name, not
/// parsed. Like Shopify: answers are 200 with <c>data</c>/<c>errors</c>, a query costing more than the cost bucket holds
/// is not run (<c>THROTTLED</c>), every answer carries <c>extensions.cost</c>, and the input is validated as a whole
/// (any userError: nothing is set).
/// </summary>
public static class ShopifyGraphQlApi
{
    public const string Operation = "graphql";

    /// <summary>What Shopify charges for a mutation (its requested cost does not grow with the input list).</summary>
    public const int MutationCost = 10;

    public const int MaxQuantities = 250;

    public static IResult Execute(JsonObject? body, ShopifyShop shop, WebhookSender webhooks, ShopifyFaultSwitch faults, CostBucket costs, ApiCallStats stats, TimeProvider clock)
    {
        var query = body?["query"] is JsonValue q && q.TryGetValue(out string? text) ? text : null;
        if (query is null || !query.Contains("inventorySetQuantities", StringComparison.Ordinal))
        {
            return Results.Json(new JsonObject { ["errors"] = new JsonArray(Error("The sandbox simulates only the inventorySetQuantities mutation.", "UNSUPPORTED")) });
        }

        if (!costs.TrySpend(MutationCost, out var throttleStatus))
        {
            stats.Count(Operation + ".throttled", StatusCodes.Status200OK);
            return Results.Json(new JsonObject
            {
                ["errors"] = new JsonArray(Error("Throttled", "THROTTLED")),
                ["extensions"] = Cost(null, throttleStatus),
            });
        }

        var input = body?["variables"]?["input"] as JsonObject;
        var (quantities, userErrors) = Validate(input, shop);
        JsonNode? group = null;
        if (userErrors.Count == 0)
        {
            group = Apply(input!, quantities, shop, webhooks, faults, clock);
        }

        return Results.Json(new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["inventorySetQuantities"] = new JsonObject { ["inventoryAdjustmentGroup"] = group, ["userErrors"] = userErrors },
            },
            ["extensions"] = Cost(MutationCost, throttleStatus),
        });
    }

    private static (List<(long Item, long Location, int Quantity)> Quantities, JsonArray UserErrors) Validate(JsonObject? input, ShopifyShop shop)
    {
        var errors = new JsonArray();
        var quantities = new List<(long, long, int)>();
        if (input is null)
        {
            errors.Add(UserError("INVALID_NAME", "input is required", "input"));
            return (quantities, errors);
        }

        if (Text(input["name"]) != "available")
        {
            errors.Add(UserError("INVALID_NAME", "The sandbox sets only the available quantity.", "input", "name"));
        }

        if (string.IsNullOrWhiteSpace(Text(input["reason"])))
        {
            errors.Add(UserError("INVALID_REASON", "A reason is required.", "input", "reason"));
        }

        var ignoreCompare = input["ignoreCompareQuantity"] is JsonValue ignore && ignore.TryGetValue(out bool flag) && flag;
        var items = input["quantities"] as JsonArray ?? [];
        if (items.Count > MaxQuantities)
        {
            errors.Add(UserError("INVALID_QUANTITY_TOO_HIGH", $"At most {MaxQuantities} quantities per call.", "input", "quantities"));
            return (quantities, errors);
        }

        for (var i = 0; i < items.Count; i++)
        {
            var index = i.ToString(CultureInfo.InvariantCulture);
            var entry = items[i] as JsonObject;
            var item = Gid(entry?["inventoryItemId"], "InventoryItem");
            var location = Gid(entry?["locationId"], "Location");
            if (item is not { } itemId || shop.Level(itemId) is not { } level)
            {
                errors.Add(UserError("INVALID_INVENTORY_ITEM", "The specified inventory item could not be found.", "input", "quantities", index, "inventoryItemId"));
                continue;
            }

            if (location != shop.LocationId)
            {
                errors.Add(UserError("INVALID_LOCATION", "The specified location could not be found.", "input", "quantities", index, "locationId"));
                continue;
            }

            if (entry!["quantity"] is not JsonValue quantity || quantity.GetValueKind() != JsonValueKind.Number || !quantity.TryGetValue(out int available))
            {
                errors.Add(UserError("INVALID_QUANTITY_TOO_LOW", "quantity is required.", "input", "quantities", index, "quantity"));
                continue;
            }

            if (!ignoreCompare)
            {
                if (entry["compareQuantity"] is not JsonValue compare || !compare.TryGetValue(out int expected))
                {
                    errors.Add(UserError("COMPARE_QUANTITY_REQUIRED", "compareQuantity is required unless ignoreCompareQuantity is true.", "input", "quantities", index, "compareQuantity"));
                    continue;
                }

                if (expected != level)
                {
                    errors.Add(UserError("COMPARE_QUANTITY_STALE", "The compareQuantity argument no longer matches the persisted quantity.", "input", "quantities", index, "compareQuantity"));
                    continue;
                }
            }

            quantities.Add((itemId, location.Value, available));
        }

        return (quantities, errors);
    }

    private static JsonObject Apply(JsonObject input, List<(long Item, long Location, int Quantity)> quantities, ShopifyShop shop, WebhookSender webhooks, ShopifyFaultSwitch faults, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var changes = new JsonArray();
        foreach (var (item, location, available) in quantities)
        {
            var (_, before) = shop.SetLevel(item, available)!.Value;
            if (before != available && faults.Current.EchoInventoryWebhooks)
            {
                webhooks.Enqueue("inventory_levels/update", ShopifyPayloads.InventoryLevel(item, location, available, now));
            }

            changes.Add(new JsonObject
            {
                ["name"] = "available",
                ["delta"] = available - before,
                ["quantityAfterChange"] = available,
                ["item"] = new JsonObject { ["id"] = $"gid://shopify/InventoryItem/{item}" },
                ["location"] = new JsonObject { ["id"] = $"gid://shopify/Location/{location}" },
            });
        }

        return new JsonObject
        {
            ["id"] = $"gid://shopify/InventoryAdjustmentGroup/{shop.NextId()}",
            ["createdAt"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["reason"] = Text(input["reason"]),
            ["changes"] = changes,
        };
    }

    private static JsonObject Cost(int? actual, JsonObject throttleStatus) => new()
    {
        ["cost"] = new JsonObject
        {
            ["requestedQueryCost"] = MutationCost,
            ["actualQueryCost"] = actual,
            ["throttleStatus"] = throttleStatus,
        },
    };

    private static JsonObject Error(string message, string code) => new()
    {
        ["message"] = message,
        ["extensions"] = new JsonObject { ["code"] = code },
    };

    private static JsonObject UserError(string code, string message, params string[] field) => new()
    {
        ["code"] = code,
        ["field"] = new JsonArray([.. field.Select(f => (JsonNode)f)]),
        ["message"] = message,
    };

    private static long? Gid(JsonNode? node, string type)
    {
        var prefix = $"gid://shopify/{type}/";
        return Text(node) is { } gid && gid.StartsWith(prefix, StringComparison.Ordinal)
               && long.TryParse(gid.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
