using System.Text.Json;

namespace Distribution.Aspire.Adapters.Sandbox.Erp;

public static class ErpJson
{
    /// <summary>camelCase like BC's API pages; dates as ISO 8601.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
