namespace Distribution.Aspire.Messaging.Consuming;

public enum DispatchResult
{
    /// <summary>The handlers ran and their changes committed with the inbox record.</summary>
    Handled,

    /// <summary>Already handled before: acknowledged without running anything.</summary>
    Duplicate,

    /// <summary>No handler here for this type (another subscriber's interest); acknowledged.</summary>
    Ignored,

    /// <summary>A handler threw; nothing was committed. Worth another delivery.</summary>
    Failed,

    /// <summary>The event cannot be read (unknown type, malformed data): no retry can help.</summary>
    Poison,

    /// <summary>The service's own database is unreachable: retried until it is back, never counted against the event.</summary>
    Unavailable,
}

public sealed record DispatchOutcome(DispatchResult Result, string? Error = null)
{
    public static readonly DispatchOutcome Handled = new(DispatchResult.Handled);
    public static readonly DispatchOutcome Duplicate = new(DispatchResult.Duplicate);
    public static readonly DispatchOutcome Ignored = new(DispatchResult.Ignored);

    public bool IsSettled => Result is DispatchResult.Handled or DispatchResult.Duplicate or DispatchResult.Ignored;
}
