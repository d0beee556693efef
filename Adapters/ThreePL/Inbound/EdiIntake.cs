using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Edi;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

public enum EdiIntakeStatus
{
    /// <summary>Read and answered (accepted, partly accepted or rejected: the answer says which).</summary>
    Answered,

    /// <summary>Every interchange in it was received before: the answer is the one given then.</summary>
    Duplicate,

    /// <summary>Not X12 at all: nothing to acknowledge; quarantined.</summary>
    Unreadable,
}

/// <summary><see cref="Response"/>: the TA1/997 interchange(s) to return, empty when nothing needed an acknowledgment.</summary>
public sealed record EdiIntakeOutcome(EdiIntakeStatus Status, long DocumentId, string Response, string? ReasonCode = null, string? Detail = null);

/// <summary>
/// Receives X12 from a 3PL: stores the raw body and commits, then in one transaction reads every interchange,
/// recognises duplicates by the partner's interchange control number (ISA13) and group control number (GS06),
/// builds the TA1/997 answer, queues the accepted transaction sets for the applier and quarantines the rest.
/// A crash between the two steps leaves the document "received"; <see cref="InboundRecovery"/> finishes it.
/// </summary>
public sealed class EdiIntake(
    NpgsqlDataSource database,
    InboundDocuments documents,
    InterchangeReview review,
    QuarantineStore quarantine,
    InboundWorkSignal signal,
    IOptions<ThreePLOptions> options,
    ThreePLTelemetry telemetry,
    TimeProvider time)
{
    public async Task<EdiIntakeOutcome> ReceiveAsync(string partnerId, string body, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("threepl.edi.receive", partnerId, "x12");
        var documentId = await documents.StoreAsync(partnerId, "x12", body, cancellationToken);
        activity?.SetTag("document.id", documentId);
        return await ProcessAsync(documentId, partnerId, body, cancellationToken);
    }

    public async Task<EdiIntakeOutcome> ProcessAsync(long documentId, string partnerId, string body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (status, stored) = await InboundDocuments.LockAsync(connection, transaction, documentId, cancellationToken);
        if (status != InboundDocuments.Received)
        {
            await transaction.CommitAsync(cancellationToken);
            return new EdiIntakeOutcome(status == InboundDocuments.Duplicate ? EdiIntakeStatus.Duplicate : EdiIntakeStatus.Answered, documentId, stored ?? string.Empty);
        }

        X12Document document;
        try
        {
            document = X12Parser.Parse(body);
        }
        catch (X12SyntaxException ex)
        {
            await quarantine.AddAsync(connection, transaction, partnerId, QuarantineStore.FromX12, ThreePLReasons.X12Syntax, ex.Message, null, documentId, null, null, cancellationToken);
            await InboundDocuments.FinishAsync(connection, transaction, documentId, InboundDocuments.Rejected, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            telemetry.Received(partnerId, "x12", "unknown", "unreadable");
            return new EdiIntakeOutcome(EdiIntakeStatus.Unreadable, documentId, string.Empty, ThreePLReasons.X12Syntax, ex.Message);
        }

        var partner = settings.Find(partnerId);
        if (partner is null)
        {
            var reason = $"Partner '{partnerId}' has no 3PL profile in this adapter.";
            await quarantine.AddAsync(connection, transaction, partnerId, QuarantineStore.FromX12, ThreePLReasons.UnknownPartner, reason, null, documentId, null, null, cancellationToken);
            await InboundDocuments.FinishAsync(connection, transaction, documentId, InboundDocuments.Rejected, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new EdiIntakeOutcome(EdiIntakeStatus.Unreadable, documentId, string.Empty, ThreePLReasons.UnknownPartner, reason);
        }

        var response = new StringBuilder();
        var duplicates = 0;
        var anyAccepted = false;
        for (var index = 0; index < document.Interchanges.Count; index++)
        {
            var interchange = document.Interchanges[index];
            var text = string.Join('\n', InterchangeSegments(interchange));
            var hash = InboundDocuments.Sha256(text);
            var previous = await ClaimInterchangeAsync(connection, transaction, partnerId, interchange.ControlNumber, text, hash, documentId, cancellationToken);
            if (previous is not null)
            {
                duplicates++;
                response.Append(previous);
                Activity.Current?.AddEvent(new ActivityEvent("duplicate interchange"));
                telemetry.Received(partnerId, "x12", "interchange", "duplicate");
                continue;
            }

            var result = await review.ReviewAsync(document, index, partnerId, partner, settings.InterchangeId, cancellationToken);
            var acks = new List<(X12FunctionalGroup Group, FunctionalAcknowledgment Ack)>();
            foreach (var group in result.Groups)
            {
                if (group.Ack is null)
                {
                    foreach (var set in group.Accepted)
                    {
                        await InboundDocuments.AddWorkAsync(connection, transaction, documentId, partnerId, set.Kind, set.Reference, cancellationToken);
                    }

                    continue;
                }

                var earlier = group.Ack.AckCode == X12Codes.Rejected
                    ? null
                    : await ClaimGroupAsync(connection, transaction, partnerId, group.Group, interchange.ControlNumber, group.Ack, cancellationToken);
                if (earlier is not null)
                {
                    // The same group inside a new interchange: answered as before, applied once.
                    acks.Add((group.Group, earlier));
                    telemetry.Received(partnerId, "x12", group.Group.FunctionalIdentifier, "duplicate");
                    continue;
                }

                acks.Add((group.Group, group.Ack));
                foreach (var set in group.Accepted)
                {
                    await InboundDocuments.AddWorkAsync(connection, transaction, documentId, partnerId, set.Kind, set.Reference, cancellationToken);
                    anyAccepted = true;
                }

                foreach (var set in group.Ack.TransactionSets)
                {
                    telemetry.Received(partnerId, "x12", set.TransactionSetIdentifier, set.AckCode == X12Codes.Accepted ? "accepted" : "rejected");
                }
            }

            foreach (var entry in result.Quarantine)
            {
                await quarantine.AddAsync(connection, transaction, partnerId, QuarantineStore.FromX12, entry.ReasonCode, entry.Reason, entry.Reference, documentId, null, null, cancellationToken);
            }

            var answer = acks.Count == 0 && result.InterchangeAck is null
                ? string.Empty
                : await WriteAnswerAsync(connection, transaction, partnerId, interchange, result.InterchangeAck, acks, partner, cancellationToken);
            response.Append(answer);
            await RecordInterchangeAsync(connection, transaction, partnerId, interchange.ControlNumber, result.Rejected ? "rejected" : "accepted", answer, cancellationToken);
            if (result.Rejected)
            {
                telemetry.Received(partnerId, "x12", "interchange", "rejected");
            }
        }

        var finalStatus = duplicates == document.Interchanges.Count ? InboundDocuments.Duplicate : InboundDocuments.Processed;
        await InboundDocuments.FinishAsync(connection, transaction, documentId, finalStatus, response.ToString(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (anyAccepted || document.Interchanges.Any(i => i.Groups.Any(g => g.FunctionalIdentifier == X12Codes.AcknowledgmentGroup)))
        {
            signal.Notify();
        }

        return new EdiIntakeOutcome(finalStatus == InboundDocuments.Duplicate ? EdiIntakeStatus.Duplicate : EdiIntakeStatus.Answered, documentId, response.ToString());
    }

    private static IEnumerable<string> InterchangeSegments(X12Interchange interchange)
    {
        yield return interchange.Isa.ToString();
        foreach (var ack in interchange.Acknowledgments)
        {
            yield return ack.ToString();
        }

        foreach (var group in interchange.Groups)
        {
            yield return group.Gs.ToString();
            foreach (var segment in group.TransactionSets.SelectMany(s => s.Segments))
            {
                yield return segment.ToString();
            }

            if (group.Ge is not null)
            {
                yield return group.Ge.ToString();
            }
        }

        if (interchange.Iea is not null)
        {
            yield return interchange.Iea.ToString();
        }
    }

    /// <summary>
    /// Takes the partner's ISA13. Returns the answer given before when this is a duplicate: the number was taken
    /// by an accepted interchange, or by a rejected one with the same content. A rejected interchange resent
    /// with corrections under the same number is processed again.
    /// </summary>
    private static async Task<string?> ClaimInterchangeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, string control, string text, string hash, long documentId, CancellationToken cancellationToken)
    {
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO interchanges (partner_id, direction, control_number, document, status, document_id, body_sha256)
            VALUES (@partner, 'inbound', @control, @document, 'processing', @documentId, @hash)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("partner", partnerId);
            insert.Parameters.AddWithValue("control", control);
            insert.Parameters.AddWithValue("document", text);
            insert.Parameters.AddWithValue("documentId", documentId);
            insert.Parameters.AddWithValue("hash", hash);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return null;
            }
        }

        string existingStatus, existingHash, existingAck;
        await using (var select = new NpgsqlCommand(
            "SELECT status, body_sha256, coalesce(ack, '') FROM interchanges WHERE partner_id = @partner AND direction = 'inbound' AND control_number = @control FOR UPDATE",
            connection, transaction))
        {
            select.Parameters.AddWithValue("partner", partnerId);
            select.Parameters.AddWithValue("control", control);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (existingStatus, existingHash, existingAck) = (reader.GetString(0), reader.IsDBNull(1) ? string.Empty : reader.GetString(1), reader.GetString(2));
        }

        if (existingStatus != "rejected" || existingHash == hash)
        {
            return existingAck;
        }

        await using var update = new NpgsqlCommand(
            """
            UPDATE interchanges SET document = @document, status = 'processing', document_id = @documentId, body_sha256 = @hash, ack = NULL, created_at = now()
            WHERE partner_id = @partner AND direction = 'inbound' AND control_number = @control
            """, connection, transaction);
        update.Parameters.AddWithValue("partner", partnerId);
        update.Parameters.AddWithValue("control", control);
        update.Parameters.AddWithValue("document", text);
        update.Parameters.AddWithValue("documentId", documentId);
        update.Parameters.AddWithValue("hash", hash);
        await update.ExecuteNonQueryAsync(cancellationToken);
        return null;
    }

    private static async Task RecordInterchangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, string control, string status, string ack, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE interchanges SET status = @status, ack = @ack WHERE partner_id = @partner AND direction = 'inbound' AND control_number = @control",
            connection, transaction);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("control", control);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("ack", ack);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Takes the partner's GS06 for the group's type (GS01); returns the earlier acknowledgment when another interchange
    /// already carried this group. The type is part of the key because partners may number each group type on its own.
    /// </summary>
    private static async Task<FunctionalAcknowledgment?> ClaimGroupAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, X12FunctionalGroup group, string interchangeControl, FunctionalAcknowledgment ack, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH inserted AS (
                INSERT INTO interchange_groups (partner_id, direction, group_control, interchange_control, functional_id, ack)
                VALUES (@partner, 'inbound', @control, @interchange, @functional, @ack)
                ON CONFLICT DO NOTHING
                RETURNING 1)
            SELECT CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN NULL
                        ELSE (SELECT ack::text FROM interchange_groups WHERE partner_id = @partner AND direction = 'inbound' AND functional_id = @functional AND group_control = @control) END
            """, connection, transaction);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("control", group.ControlNumber);
        command.Parameters.AddWithValue("interchange", interchangeControl);
        command.Parameters.AddWithValue("functional", group.FunctionalIdentifier);
        command.Parameters.Add(new NpgsqlParameter("ack", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(ack, ThreePLJson.Options) });
        return await command.ExecuteScalarAsync(cancellationToken) is string earlier
            ? JsonSerializer.Deserialize<FunctionalAcknowledgment>(earlier, ThreePLJson.Options)
            : null;
    }

    private async Task<string> WriteAnswerAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, X12Interchange received, InterchangeAcknowledgment? ta1,
        List<(X12FunctionalGroup Group, FunctionalAcknowledgment Ack)> acks, PartnerProfile partner, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var interchangeControl = await ControlNumbers.NextAsync(connection, transaction, partnerId, ControlNumbers.Interchange, cancellationToken);
        var groups = new List<X12GroupContent>();
        foreach (var (_, ack) in acks)
        {
            var groupControl = await ControlNumbers.NextAsync(connection, transaction, partnerId, ControlNumbers.Group, cancellationToken);
            groups.Add(new X12GroupContent(X12Codes.AcknowledgmentGroup, groupControl, [FunctionalAcknowledgment997.Write(ack, "0001")]));
        }

        // Answered to whoever the interchange says sent it, so a sender we did not recognise still learns why.
        var header = new X12InterchangeHeader(
            settings.InterchangeQualifier, settings.InterchangeId, X12Writer.Clean(received.SenderQualifier, 2), X12Writer.Clean(received.SenderId, 15),
            time.GetUtcNow(), interchangeControl, partner.Test, AcknowledgmentRequested: false);
        return X12Writer.Write(header, groups, ta1 is null ? null : [ta1 with
        {
            ControlNumber = X12Writer.Clean(ta1.ControlNumber, 9),
            Date = X12Writer.Clean(ta1.Date, 6),
            Time = X12Writer.Clean(ta1.Time, 4),
        }]);
    }
}
