using System.Text.Json;

namespace Distribution.Aspire.Messaging.CloudEvents;

public static class CloudEventSerializer
{
    public static byte[] Serialize(CloudEvent cloudEvent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", CloudEvent.SpecVersion);
            writer.WriteString("id", cloudEvent.Id);
            writer.WriteString("source", cloudEvent.Source);
            writer.WriteString("type", cloudEvent.Type);
            writer.WriteString("time", cloudEvent.Time);
            writer.WriteString("datacontenttype", "application/json");
            writer.WriteString("partitionkey", cloudEvent.PartitionKey);
            WriteOptional(writer, "traceparent", cloudEvent.TraceParent);
            WriteOptional(writer, "tracestate", cloudEvent.TraceState);
            WriteOptional(writer, "correlationid", cloudEvent.CorrelationId);
            WriteOptional(writer, "replayfor", cloudEvent.ReplayFor);
            writer.WritePropertyName("data");
            cloudEvent.Data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads an envelope; anything that is not a CloudEvents 1.0 JSON event is a <see cref="FormatException"/>.</summary>
    public static CloudEvent Deserialize(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A CloudEvent must be a JSON object.");
            }

            var version = Required(root, "specversion");
            if (version != CloudEvent.SpecVersion)
            {
                throw new FormatException($"CloudEvents specversion '{version}' is not supported; expected {CloudEvent.SpecVersion}.");
            }

            return new CloudEvent(
                Required(root, "id"),
                Required(root, "source"),
                Required(root, "type"),
                root.TryGetProperty("time", out var time) && time.TryGetDateTimeOffset(out var at) ? at : DateTimeOffset.UtcNow,
                Optional(root, "partitionkey") ?? Required(root, "id"),
                root.TryGetProperty("data", out var data) ? data.Clone() : default,
                Optional(root, "traceparent"),
                Optional(root, "tracestate"),
                Optional(root, "correlationid"),
                Optional(root, "replayfor"));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The envelope is not valid JSON: {ex.Message}", ex);
        }
    }

    private static string Required(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"The CloudEvent has no '{name}'.");

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
