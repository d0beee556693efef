namespace Distribution.Aspire.Messaging.DeadLetters;

/// <summary>An event this service could not handle, kept with what an operator needs to decide on it.</summary>
public sealed record DeadLetter(
    Guid Id,
    string Subscription,
    string Topic,
    string EventId,
    string EventType,
    string Envelope,
    string Error,
    int Attempts,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    string Status,
    DateTimeOffset? ResolvedAt);

/// <summary>Which dead letters an operator means: by status, type and topic (all optional).</summary>
public sealed record DeadLetterFilter(string? Status = "pending", string? EventType = null, string? Topic = null, int Limit = 100);
