using System.Text.Json;

namespace Distribution.Aspire.Adapters.ThreePL;

/// <summary>JSON as the 3PL surface speaks it (snake_case, like ShipEngine and ShipBob webhooks) and as we store it.</summary>
public static class ThreePLJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
