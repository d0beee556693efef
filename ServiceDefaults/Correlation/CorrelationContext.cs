using System.Diagnostics;

namespace Distribution.Aspire.ServiceDefaults.Correlation;

/// <summary>
/// The correlation id of the work in progress. It flows with the async call chain, so background
/// work (event handlers, relays) sets it from the message they process and everything below sees it.
/// </summary>
public static class CorrelationContext
{
    public const string HeaderName = "X-Correlation-Id";
    public const string TagName = "correlation.id";
    public const string LogScopeKey = "CorrelationId";
    private const int MaxLength = 128;

    private static readonly AsyncLocal<string?> CurrentId = new();

    public static string? Current => CurrentId.Value;

    /// <summary>Sets the id for the current async flow and tags the current span with it.</summary>
    public static void Set(string correlationId)
    {
        CurrentId.Value = correlationId;
        Activity.Current?.SetTag(TagName, correlationId);
    }

    /// <summary>
    /// A correlation id from outside is kept only when it is short and plain, because it ends up in
    /// logs, headers and span attributes; anything else is replaced rather than rejected.
    /// </summary>
    public static bool IsAcceptable(string? candidate) =>
        !string.IsNullOrEmpty(candidate)
        && candidate.Length <= MaxLength
        && candidate.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    public static string NewId() =>
        Activity.Current is { } activity && activity.TraceId != default
            ? activity.TraceId.ToString()
            : ActivityTraceId.CreateRandom().ToString();
}
