using Distribution.Aspire.FulfillmentService.Domain;

namespace Distribution.Aspire.FulfillmentService.Exceptions;

/// <summary>One entry of the exception list (named apart from <see cref="System.Exception"/>).</summary>
public sealed record FulfillmentIssue(
    Guid ExceptionId,
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    string LocationId,
    ExceptionKind Kind,
    string Detail,
    int Rank,
    DateTimeOffset RaisedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? ResolvedAt,
    string? Resolution)
{
    public bool Resolved => ResolvedAt is not null;

    /// <summary>Open past its SLA, as of <paramref name="now"/>.</summary>
    public bool IsOverdue(DateTimeOffset now) => ResolvedAt is null && DueAt < now;
}

public sealed record IssuePage(IReadOnlyList<FulfillmentIssue> Exceptions, string? NextPageToken);
