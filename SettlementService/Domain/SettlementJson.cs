using System.Text.Json;

namespace Distribution.Aspire.SettlementService.Domain;

public static class SettlementJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
