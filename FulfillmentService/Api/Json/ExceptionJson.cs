using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Exceptions;

namespace Distribution.Aspire.FulfillmentService.Api.Json;

/// <summary>An exception list entry as operators see it (camelCase JSON).</summary>
public sealed record ExceptionJson(
    Guid ExceptionId,
    Guid ShipmentId,
    Guid OrderId,
    string Channel,
    string LocationId,
    string Kind,
    string Detail,
    int Rank,
    DateTimeOffset RaisedAt,
    DateTimeOffset DueAt,
    bool Overdue,
    bool Resolved,
    DateTimeOffset? ResolvedAt,
    string? Resolution)
{
    public static ExceptionJson From(FulfillmentIssue issue, DateTimeOffset now) => new(
        issue.ExceptionId,
        issue.ShipmentId,
        issue.OrderId,
        issue.Channel,
        issue.LocationId,
        issue.Kind.ToWire(),
        issue.Detail,
        issue.Rank,
        issue.RaisedAt,
        issue.DueAt,
        issue.IsOverdue(now),
        issue.Resolved,
        issue.ResolvedAt,
        issue.Resolution);
}

public sealed record ExceptionListJson(IReadOnlyList<ExceptionJson> Exceptions, string? NextPageToken);

public sealed record ResolveExceptionBody(string? Resolution);
