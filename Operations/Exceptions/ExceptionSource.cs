using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distribution.Aspire.Operations.Exceptions;

/// <summary>
/// One service's exception list as the console reads it through the gateway's pass-through
/// (<c>/admin/{Service}{ListPath}</c>): where the items are, how one maps to <see cref="OperatorException"/>, and
/// where its raw payload is.
/// </summary>
public sealed record ExceptionSource
{
    public required string Service { get; init; }

    public required string Name { get; init; }

    public required string ListPath { get; init; }

    /// <summary>The member holding the item array; null when the answer is the array.</summary>
    public string? ItemsMember { get; init; }

    public required Func<ExceptionSource, JsonObject, OperatorException> Map { get; init; }

    /// <summary>The path of one item with its payload; null when the list already carries everything.</summary>
    public Func<string, string>? DetailPath { get; init; }

    /// <summary>The member of the single-item answer holding the item, when it is wrapped (3PL: <c>item</c>).</summary>
    public string? DetailItemMember { get; init; }

    /// <summary>The member holding the raw payload (in the detail answer, or in the list item).</summary>
    public string? PayloadMember { get; init; }

    /// <summary>Sources that keep no open/closed status show only entries this young (they are never closed).</summary>
    public bool Statusless { get; init; }

    public IEnumerable<JsonObject> Items(JsonNode? answer) =>
        (ItemsMember is null ? answer as JsonArray : answer?[ItemsMember] as JsonArray)?.OfType<JsonObject>() ?? [];

    public OperatorException New(string id, ExceptionPriority priority, string code, string reason, DateTimeOffset raisedAt) => new()
    {
        Service = Service,
        Source = Name,
        Id = id,
        Priority = priority,
        Code = code,
        Reason = reason,
        RaisedAt = raisedAt,
    };
}

/// <summary>Lenient reads of the services' JSON: a missing or differently typed member is null, never an error.</summary>
public static class JsonMembers
{
    public static string? Text(this JsonObject item, string name) => item[name] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => null,
    };

    public static bool Flag(this JsonObject item, string name) => item[name] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    public static DateTimeOffset? Time(this JsonObject item, string name) =>
        DateTimeOffset.TryParse(item.Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>A payload as text: a string as it is, JSON as JSON.</summary>
    public static string? Payload(this JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(Indented),
    };

    public static string Pretty(this JsonNode node) => node.ToJsonString(Indented);

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
