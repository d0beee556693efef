using System.Text.Json;

namespace Distribution.Aspire.Messaging.CloudEvents;

/// <summary>
/// A CloudEvents 1.0 envelope in structured JSON mode. Besides the required attributes it carries the
/// distributed-tracing extension (<c>traceparent</c>, <c>tracestate</c>), the partition key
/// (<c>partitionkey</c>), the platform's correlation id (<c>correlationid</c>) and, on a replayed dead letter,
/// the one subscription it is replayed for (<c>replayfor</c>): it goes out on the shared topic, and every
/// other subscriber must leave it alone, including one whose operator discarded its own dead letter of it.
/// </summary>
public sealed record CloudEvent(
    string Id,
    string Source,
    string Type,
    DateTimeOffset Time,
    string PartitionKey,
    JsonElement Data,
    string? TraceParent = null,
    string? TraceState = null,
    string? CorrelationId = null,
    string? ReplayFor = null)
{
    public const string SpecVersion = "1.0";
    public const string ContentType = "application/cloudevents+json";
}
