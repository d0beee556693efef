using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Distribution.Aspire.Messaging.DeadLetters;

/// <summary>Summary row of a dead letter; the envelope is in the single-item view.</summary>
public sealed record DeadLetterSummary(Guid Id, string Topic, string EventId, string EventType, string Error, int Attempts, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, string Status);

public sealed record ReplayRequest(string? EventType = null, string? Topic = null);

public sealed record ReplayedCount(int Replayed);

public static class DeadLettersApi
{
    /// <summary>Operator API: list, inspect, replay (one or all matching) and discard this service's dead letters.</summary>
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapAdminGroup("/admin").WithTags("Dead letters");
        group.MapGet("/dead-letters", ListAsync);
        group.MapGet("/dead-letters/{id:guid}", GetAsync);
        group.MapPost("/dead-letters/{id:guid}:replay", ReplayAsync);
        group.MapPost("/dead-letters:replay", ReplayAllAsync);
        group.MapPost("/dead-letters/{id:guid}:discard", DiscardAsync);
        return endpoints;
    }

    public static async Task<Ok<IEnumerable<DeadLetterSummary>>> ListAsync(
        DeadLetterStore store, string? status, string? eventType, string? topic, int? limit, CancellationToken cancellationToken)
    {
        var filter = new DeadLetterFilter(status is "all" ? null : status ?? "pending", eventType, topic, limit ?? 100);
        var items = await store.ListAsync(filter, cancellationToken);
        return TypedResults.Ok(items.Select(d => new DeadLetterSummary(d.Id, d.Topic, d.EventId, d.EventType, d.Error, d.Attempts, d.FirstFailedAt, d.LastFailedAt, d.Status)));
    }

    public static async Task<Results<Ok<DeadLetter>, ProblemHttpResult>> GetAsync(Guid id, DeadLetterStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } deadLetter ? TypedResults.Ok(deadLetter) : NotFound(id);

    public static async Task<Results<Accepted, ProblemHttpResult>> ReplayAsync(Guid id, DeadLetterStore store, CancellationToken cancellationToken) =>
        await store.ReplayAsync(id, cancellationToken) switch
        {
            ReplayResult.Replayed => TypedResults.Accepted((string?)null),
            ReplayResult.NotPending => Problem(StatusCodes.Status409Conflict, "dead_letter_not_pending", "Only pending dead letters can be replayed or discarded."),
            ReplayResult.Unreadable => Problem(StatusCodes.Status422UnprocessableEntity, "dead_letter_unreadable", "The stored event is not a readable CloudEvent; discard it."),
            _ => NotFound(id),
        };

    public static async Task<Ok<ReplayedCount>> ReplayAllAsync(ReplayRequest? request, DeadLetterStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReplayedCount(await store.ReplayAllAsync(new DeadLetterFilter("pending", request?.EventType, request?.Topic), cancellationToken)));

    public static async Task<Results<NoContent, ProblemHttpResult>> DiscardAsync(Guid id, DeadLetterStore store, CancellationToken cancellationToken)
    {
        if (await store.DiscardAsync(id, cancellationToken))
        {
            return TypedResults.NoContent();
        }

        return await store.GetAsync(id, cancellationToken) is null
            ? NotFound(id)
            : Problem(StatusCodes.Status409Conflict, "dead_letter_not_pending", "Only pending dead letters can be replayed or discarded.");
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"No dead letter {id}.");

    private static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
}
