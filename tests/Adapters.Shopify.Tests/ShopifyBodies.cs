using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>Webhook bodies derived in code from the real fixtures in ../shared/contracts (the files stay untouched).</summary>
public static class ShopifyBodies
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The python-api order (3 lines) as an orders/* body, with its own id and time.</summary>
    public static JsonObject Order(long id, DateTimeOffset updatedAt, int firstLineQuantity = 1, DateTimeOffset? cancelledAt = null, string financialStatus = "paid")
    {
        var order = SharedContracts.Json(SharedContracts.PythonOrder)["order"]!.AsObject();
        order["id"] = id;
        order["updated_at"] = updatedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        order["financial_status"] = financialStatus;
        order["line_items"]![0]!["quantity"] = firstLineQuantity;
        if (cancelledAt is { } cancelled)
        {
            order["cancelled_at"] = cancelled.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            order["cancel_reason"] = "customer";
        }

        return order;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    public static long NewOrderId() => 9_000_000_000_000 + Random.Shared.NextInt64(1, 999_999_999);
}
