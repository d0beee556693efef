using System.Text.Json.Nodes;

namespace Distribution.Aspire.Operations.Gateway;

/// <summary>One answer of the gateway's admin API: the JSON, or why there is none (shown on the page, never hidden).</summary>
public sealed record AdminAnswer(int? Status, JsonNode? Body, string? Failure)
{
    public bool Succeeded => Failure is null;

    /// <summary>The problem code of a refusal (<c>not_found</c>, <c>upstream_unavailable</c>, …), if the answer had one.</summary>
    public string? ProblemCode => Body is JsonObject problem && problem["code"] is JsonValue code && code.TryGetValue<string>(out var text) ? text : null;
}
