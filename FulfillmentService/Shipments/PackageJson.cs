using System.Text.Json;

namespace Distribution.Aspire.FulfillmentService.Shipments;

/// <summary>How a package's lines are stored (jsonb, camelCase).</summary>
public static class PackageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
