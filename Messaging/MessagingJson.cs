using System.Text.Json;

namespace Distribution.Aspire.Messaging;

/// <summary>Event payloads are camelCase JSON, and numbers that are money travel as strings in the contracts themselves.</summary>
public static class MessagingJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
