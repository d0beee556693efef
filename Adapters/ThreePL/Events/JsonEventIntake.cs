using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Events;

public enum JsonIntakeStatus
{
    Accepted,
    Duplicate,
    Refused,
}

public sealed record JsonIntakeOutcome(JsonIntakeStatus Status, long DocumentId, string? EventId, string? ReasonCode = null, string? Detail = null);

/// <summary>
/// Receives a 3PL's JSON event: stores the raw body and commits, then in one transaction validates it with the
/// same rules that map it (<see cref="JsonEventMapping"/>), takes its event id (a second delivery is a
/// duplicate, applied once) and queues it for the applier. A refused event is quarantined with its reason.
/// </summary>
public sealed class JsonEventIntake(
    NpgsqlDataSource database,
    InboundDocuments documents,
    IShipmentOrderLookup orders,
    QuarantineStore quarantine,
    InboundWorkSignal signal,
    ThreePLTelemetry telemetry)
{
    public async Task<JsonIntakeOutcome> ReceiveAsync(string partnerId, string body, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("threepl.json.receive", partnerId, "json");
        var documentId = await documents.StoreAsync(partnerId, "json", body, cancellationToken);
        var outcome = await ProcessAsync(documentId, partnerId, body, cancellationToken);
        activity?.SetTag("outcome", outcome.Status.ToString());
        return outcome;
    }

    public async Task<JsonIntakeOutcome> ProcessAsync(long documentId, string partnerId, string body, CancellationToken cancellationToken)
    {
        PartnerShipmentEvent? parsed = null;
        string? parseError = null;
        try
        {
            parsed = JsonSerializer.Deserialize<PartnerShipmentEvent>(body, ThreePLJson.Options);
            parseError = parsed is null ? "The body is JSON null." : null;
        }
        catch (JsonException ex)
        {
            parseError = $"The body is not a JSON event: {ex.Message}";
        }

        var verdict = parsed is null
            ? Applying.MappingResult.Refused(ThreePLReasons.MalformedEvent, parseError!)
            : JsonEventMapping.Validate(parsed);
        if (verdict.Ok)
        {
            var order = await orders.FindAsync(partnerId, parsed!.OrderReference!, cancellationToken);
            verdict = JsonEventMapping.Map(partnerId, parsed, order);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (status, _) = await InboundDocuments.LockAsync(connection, transaction, documentId, cancellationToken);
        if (status != InboundDocuments.Received)
        {
            await transaction.CommitAsync(cancellationToken);
            return new JsonIntakeOutcome(status == InboundDocuments.Rejected ? JsonIntakeStatus.Refused : status == InboundDocuments.Duplicate ? JsonIntakeStatus.Duplicate : JsonIntakeStatus.Accepted, documentId, parsed?.Id);
        }

        var type = parsed?.Type is { } t && PartnerEventTypes.All.Contains(t) ? t : "unknown";
        if (!verdict.Ok)
        {
            await quarantine.AddAsync(connection, transaction, partnerId, QuarantineStore.FromJson, verdict.ReasonCode!, verdict.Error!, parsed?.Id is { Length: <= 128 } id ? id : null, documentId, null, null, cancellationToken);
            await InboundDocuments.FinishAsync(connection, transaction, documentId, InboundDocuments.Rejected, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            telemetry.Received(partnerId, "json", type, "refused");
            return new JsonIntakeOutcome(JsonIntakeStatus.Refused, documentId, parsed?.Id, verdict.ReasonCode, verdict.Error);
        }

        await using (var claim = new NpgsqlCommand(
            "INSERT INTO partner_events (partner_id, event_id, document_id) VALUES (@partner, @event, @document) ON CONFLICT DO NOTHING", connection, transaction))
        {
            claim.Parameters.AddWithValue("partner", partnerId);
            claim.Parameters.AddWithValue("event", parsed!.Id!);
            claim.Parameters.AddWithValue("document", documentId);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await InboundDocuments.FinishAsync(connection, transaction, documentId, InboundDocuments.Duplicate, null, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                telemetry.Received(partnerId, "json", type, "duplicate");
                return new JsonIntakeOutcome(JsonIntakeStatus.Duplicate, documentId, parsed.Id);
            }
        }

        await InboundDocuments.AddWorkAsync(connection, transaction, documentId, partnerId, "json", parsed.Id!, cancellationToken);
        await InboundDocuments.FinishAsync(connection, transaction, documentId, InboundDocuments.Processed, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        telemetry.Received(partnerId, "json", type, "accepted");
        signal.Notify();
        return new JsonIntakeOutcome(JsonIntakeStatus.Accepted, documentId, parsed.Id);
    }
}
