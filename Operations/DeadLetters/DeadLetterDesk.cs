using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Distribution.Aspire.Operations.Exceptions;
using Distribution.Aspire.Operations.Gateway;

namespace Distribution.Aspire.Operations.DeadLetters;

/// <summary>One dead letter as every service's admin API lists it, with the service that holds it.</summary>
public sealed record DeadLetterRow(
    string Service, Guid Id, string Topic, string EventId, string EventType, string Error, int Attempts, DateTimeOffset? FirstFailedAt, DateTimeOffset? LastFailedAt, string Status);

public sealed record DeadLetterBoard(IReadOnlyList<DeadLetterRow> Items, IReadOnlyList<string> Unreachable, string? Failure);

public enum DeadLetterAction
{
    Replay,
    Discard,
}

/// <summary>The result of an operator's replay or discard, in words for the page.</summary>
public sealed record ActionResult(bool Succeeded, string Message);

/// <summary>
/// Dead letters of every service through the gateway's fan-out (<c>GET /admin/dead-letters</c>, unreachable services
/// named), one service's dead letter and the operator's actions through its pass-through
/// (<c>/admin/{service}/dead-letters/{id}:replay|:discard</c>): the service that holds the dead letter is known.
/// </summary>
public sealed partial class DeadLetterDesk(GatewayAdminClient gateway, OperationsTelemetry telemetry)
{
    public async Task<DeadLetterBoard> ListAsync(bool includeDone, CancellationToken cancellationToken)
    {
        using var activity = telemetry.StartRead("dead_letters");
        var answer = await gateway.GetAsync($"/admin/dead-letters?status={(includeDone ? "all" : "pending")}&limit=200", cancellationToken);
        if (!answer.Succeeded)
        {
            return new DeadLetterBoard([], [], answer.Failure);
        }

        var rows = (answer.Body?["deadLetters"] as JsonArray)?.OfType<JsonObject>().Select(Row).OfType<DeadLetterRow>()
            .OrderByDescending(r => r.LastFailedAt).ToList() ?? [];
        var unreachable = (answer.Body?["unreachable"] as JsonArray)?.Select(s => s?.ToString()).OfType<string>().ToList() ?? [];
        foreach (var service in unreachable)
        {
            telemetry.Unreachable(service);
        }

        return new DeadLetterBoard(rows, unreachable, null);
    }

    /// <summary>The stored dead letter with its envelope, as the service keeps it.</summary>
    public async Task<(string? Record, string? Failure)> GetAsync(string service, Guid id, CancellationToken cancellationToken)
    {
        if (!IsServiceName(service))
        {
            return (null, null);
        }

        var answer = await gateway.GetAsync(GatewayAdminClient.ServicePath(service, $"/dead-letters/{id}"), cancellationToken);
        return answer switch
        {
            { Status: StatusCodes.Status404NotFound } => (null, null),
            { Succeeded: false } => (null, answer.Failure),
            _ => (answer.Body?.Pretty(), null),
        };
    }

    public async Task<ActionResult> ActAsync(DeadLetterAction action, string service, Guid id, CancellationToken cancellationToken)
    {
        var verb = action == DeadLetterAction.Replay ? "replay" : "discard";
        if (!IsServiceName(service))
        {
            return new ActionResult(false, "Unknown service.");
        }

        using var activity = telemetry.StartAction($"dead_letter.{verb}", service);
        activity?.SetTag("operations.dead_letter.id", id);
        var answer = await gateway.PostAsync(GatewayAdminClient.ServicePath(service, $"/dead-letters/{id}:{verb}"), cancellationToken);
        var (outcome, message) = answer switch
        {
            { Succeeded: true } => ("done", action == DeadLetterAction.Replay
                ? $"Dead letter {id} of {service} is replayed: it is delivered to its handler again."
                : $"Dead letter {id} of {service} is discarded."),
            { Status: StatusCodes.Status404NotFound } => ("not_found", $"{service} holds no dead letter {id}."),
            { Status: StatusCodes.Status409Conflict } => ("not_pending", $"Dead letter {id} was already replayed or discarded."),
            { Status: StatusCodes.Status422UnprocessableEntity } => ("unreadable", $"Dead letter {id} is not a readable event; it can only be discarded."),
            _ => ("failed", $"{service} did not {verb} dead letter {id}: {answer.Failure}."),
        };
        telemetry.ActionDone(activity, $"dead_letter.{verb}", service, outcome);
        return new ActionResult(outcome == "done", message);
    }

    /// <summary>Service names go into the path of the call: only backend names (lower case, digits, dashes) pass.</summary>
    public static bool IsServiceName(string? service) => service is { Length: > 0 and <= 64 } && ServiceName().IsMatch(service);

    private static DeadLetterRow? Row(JsonObject item) =>
        Guid.TryParse(item.Text("id"), out var id) && item.Text("service") is { } service
            ? new DeadLetterRow(
                service, id, item.Text("topic") ?? "", item.Text("eventId") ?? "", item.Text("eventType") ?? "", item.Text("error") ?? "",
                int.TryParse(item.Text("attempts"), out var attempts) ? attempts : 0, item.Time("firstFailedAt"), item.Time("lastFailedAt"), item.Text("status") ?? "")
            : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex ServiceName();
}
