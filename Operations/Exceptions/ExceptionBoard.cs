using System.Text.Json.Nodes;
using Distribution.Aspire.Operations.Gateway;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Operations.Exceptions;

/// <summary>A list that could not be read, and why.</summary>
public sealed record SourceFailure(string Service, string Source, string Reason);

/// <summary>Every open exception, most urgent first, and the lists that could not be read.</summary>
public sealed record ExceptionBoardView(IReadOnlyList<OperatorException> Items, IReadOnlyList<SourceFailure> Unreachable);

/// <summary>One exception with its raw payload and the record as its service keeps it.</summary>
public sealed record ExceptionDetailView(OperatorException Exception, string? Payload, string Record);

/// <summary>
/// Reads every service's exception list through the gateway at once, merges them and ranks them: priority, then
/// overdue first, then oldest first (the longest-waiting item of a tier is the next one to handle).
/// </summary>
public sealed class ExceptionBoard(GatewayAdminClient gateway, OperationsTelemetry telemetry, TimeProvider time, IOptions<OperationsOptions> options)
{
    public async Task<ExceptionBoardView> CollectAsync(CancellationToken cancellationToken)
    {
        using var activity = telemetry.StartRead("exceptions");
        var reads = await Task.WhenAll(ExceptionSources.All.Select(async source =>
            (Source: source, Answer: await gateway.GetAsync(GatewayAdminClient.ServicePath(source.Service, source.ListPath), cancellationToken))));

        var cutoff = time.GetUtcNow().AddDays(-options.Value.StatuslessExceptionDays);
        var items = new List<OperatorException>();
        var unreachable = new List<SourceFailure>();
        foreach (var (source, answer) in reads)
        {
            if (!answer.Succeeded)
            {
                telemetry.Unreachable(source.Service);
                unreachable.Add(new SourceFailure(source.Service, source.Name, answer.Failure!));
                continue;
            }

            items.AddRange(source.Items(answer.Body)
                .Select(item => source.Map(source, item))
                .Where(item => item.Status is "open" or "mismatch" && (!source.Statusless || item.RaisedAt >= cutoff)));
        }

        activity?.SetTag("operations.exceptions", items.Count);
        activity?.SetTag("operations.unreachable", unreachable.Count);
        return new ExceptionBoardView(Rank(items), unreachable);
    }

    public static IReadOnlyList<OperatorException> Rank(IEnumerable<OperatorException> items) =>
        [.. items.OrderBy(i => i.Priority).ThenByDescending(i => i.Overdue).ThenBy(i => i.RaisedAt).ThenBy(i => i.Service, StringComparer.Ordinal)];

    /// <summary>The item with its payload: from the service's single-item view, or from its list when that carries everything.</summary>
    public async Task<(ExceptionDetailView? Detail, string? Failure)> DetailAsync(string service, string sourceName, string id, CancellationToken cancellationToken)
    {
        if (ExceptionSources.Find(service, sourceName) is not { } source)
        {
            return (null, null);
        }

        using var activity = telemetry.StartRead("exception");
        JsonObject? record;
        if (source.DetailPath is { } detailPath)
        {
            var answer = await gateway.GetAsync(GatewayAdminClient.ServicePath(service, detailPath(id)), cancellationToken);
            if (answer.Status == StatusCodes.Status404NotFound)
            {
                return (null, null);
            }

            if (!answer.Succeeded)
            {
                return (null, answer.Failure);
            }

            record = answer.Body as JsonObject;
        }
        else
        {
            var answer = await gateway.GetAsync(GatewayAdminClient.ServicePath(service, source.ListPath), cancellationToken);
            if (!answer.Succeeded)
            {
                return (null, answer.Failure);
            }

            record = source.Items(answer.Body).FirstOrDefault(item => source.Map(source, item).Id == id);
        }

        if (record is null)
        {
            return (null, null);
        }

        var item = (source.DetailItemMember is { } member ? record[member] as JsonObject : record) ?? record;
        var payload = source.PayloadMember is { } payloadMember ? (record[payloadMember] ?? item[payloadMember]).Payload() : null;
        var shown = (JsonObject)record.DeepClone();
        if (source.PayloadMember is { } hidden)
        {
            shown.Remove(hidden);
        }

        return (new ExceptionDetailView(source.Map(source, item), payload, shown.Pretty()), null);
    }
}
