using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.Contracts;

namespace Distribution.Aspire.Adapters.Shopify;

/// <summary>
/// Reading Shopify's JSON as it really comes: ids as numbers (beyond 2^53, so never through double), money as
/// decimal strings (sometimes numbers), timestamps with an offset or "2019-01-01 00:00:00.000Z".
/// </summary>
public static class ShopifyJson
{
    public static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    public static bool TryGetId(JsonElement element, string name, out long id)
    {
        id = 0;
        if (!TryGetProperty(element, name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out id) && id > 0,
            JsonValueKind.String => long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0,
            _ => false,
        };
    }

    public static bool TryGetInt32(JsonElement element, string name, out int number)
    {
        number = 0;
        return TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out number);
    }

    public static string? GetString(JsonElement element, string name) =>
        TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !string.IsNullOrWhiteSpace(text)
            ? text.Trim()
            : null;

    public static bool GetBoolean(JsonElement element, string name) =>
        TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>A money amount: a decimal string ("199.00") or, in a few places, a JSON number; never guessed.</summary>
    public static bool TryGetMoney(JsonElement value, out decimal amount)
    {
        amount = 0;
        return value.ValueKind switch
        {
            JsonValueKind.String => MoneyAmount.TryParse(value.GetString(), out amount),
            JsonValueKind.Number => MoneyAmount.TryParse(value.GetRawText(), out amount),
            _ => false,
        };
    }

    public static bool TryGetTimestamp(JsonElement element, string name, out DateTimeOffset at)
    {
        at = default;
        return GetString(element, name) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        TryGetProperty(element, name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];
}
