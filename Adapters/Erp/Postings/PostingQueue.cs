using System.Text.Json;
using Distribution.Aspire.Adapters.Erp.Connector;
using Distribution.Aspire.Adapters.Erp.Exceptions;
using Distribution.Aspire.Contracts.Events.Erp;
using Distribution.Aspire.Messaging.Publishing;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>
/// The durable outbound queue (<c>postings</c>), keyed by (kind, external document number). Documents are queued
/// in the transaction of the event that causes them; a claim leases a row and marks it "may have posted" before
/// the call, so an attempt cut short by a crash is looked up, not repeated blindly. Every outcome, and the
/// JournalPosted / JournalRejected it causes, commits in one transaction.
/// </summary>
public sealed class PostingQueue(NpgsqlDataSource database, IEventBus bus, ErpTelemetry telemetry, TimeProvider time)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Queues the document; false when that kind and external document number was queued before (a redelivery).</summary>
    public static async Task<bool> EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ErpDocument document, string sourceReference, Guid? settlementId, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO postings (document_type, document_number, source_reference, settlement_id, payload)
            VALUES (@kind, @number, @source, @settlement, @payload)
            ON CONFLICT (document_type, document_number) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue("kind", document.Kind);
        insert.Parameters.AddWithValue("number", document.ExternalDocumentNumber);
        insert.Parameters.AddWithValue("source", sourceReference);
        insert.Parameters.Add(new NpgsqlParameter("settlement", NpgsqlDbType.Uuid) { Value = settlementId is { } id ? id : DBNull.Value });
        insert.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(document, Json));
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Records a document that cannot be built from its event as rejected, never sent; false when already recorded.</summary>
    public async Task<bool> RejectUnmappableAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string kind, string documentNumber, string sourceReference, Guid? settlementId,
        string code, string reason, string eventPayload, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO postings (document_type, document_number, source_reference, settlement_id, payload, status, rejection_code, last_error)
            VALUES (@kind, @number, @source, @settlement, @payload, 'rejected', @code, @reason)
            ON CONFLICT (document_type, document_number) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue("kind", kind);
        insert.Parameters.AddWithValue("number", documentNumber);
        insert.Parameters.AddWithValue("source", sourceReference);
        insert.Parameters.Add(new NpgsqlParameter("settlement", NpgsqlDbType.Uuid) { Value = settlementId is { } id ? id : DBNull.Value });
        insert.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, eventPayload);
        insert.Parameters.AddWithValue("code", code);
        insert.Parameters.AddWithValue("reason", reason);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await ExceptionStore.RecordAsync(connection, transaction, new NewException(kind, documentNumber, sourceReference, code, reason, null, Retryable: false, eventPayload), cancellationToken);
        telemetry.Posting(kind, "rejected");
        return true;
    }

    /// <summary>
    /// Leases the posting that is due longest, or null; other replicas skip it. One at a time, so a lease only has to
    /// outlast one call, however slow the ERP is for the postings behind it.
    /// </summary>
    public async Task<QueuedPosting?> ClaimNextAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand(
            """
            WITH due AS (
                SELECT document_type, document_number, may_have_posted FROM postings
                WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_attempt_at LIMIT 1
                FOR UPDATE SKIP LOCKED)
            UPDATE postings p SET lease_until = now() + @lease, attempts = p.attempts + 1, may_have_posted = true, updated_at = now()
            FROM due WHERE p.document_type = due.document_type AND p.document_number = due.document_number
            RETURNING p.document_type, p.document_number, p.source_reference, p.settlement_id, p.payload::text, p.attempts, due.may_have_posted, p.created_at
            """);
        command.Parameters.AddWithValue("lease", lease);
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new QueuedPosting(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetString(4),
                reader.GetInt32(5), reader.GetBoolean(6), reader.GetFieldValue<DateTimeOffset>(7))
            : null;
    }

    /// <summary>The ERP holds the document (posted now, or found from an earlier attempt): done, and JournalPosted for a journal.</summary>
    public async Task PostedAsync(QueuedPosting posting, ErpDocumentRef document, string outcome, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand(
            """
            UPDATE postings SET status = 'posted', erp_id = @id, erp_number = @number, posted_at = now(), lease_until = NULL,
                may_have_posted = false, last_error = NULL, updated_at = now()
            WHERE document_type = @kind AND document_number = @document AND status = 'pending'
            RETURNING posted_at
            """, connection, transaction);
        update.Parameters.AddWithValue("kind", posting.Kind);
        update.Parameters.AddWithValue("document", posting.DocumentNumber);
        update.Parameters.AddWithValue("id", document.Id);
        update.Parameters.Add(new NpgsqlParameter("number", NpgsqlDbType.Text) { Value = (object?)document.Number ?? DBNull.Value });
        if (await update.ExecuteScalarAsync(cancellationToken) is not DateTime postedAt)
        {
            // Someone else finished it (a replica whose lease we outlived): its outcome stands.
            return;
        }

        if (posting.Kind == DocumentKinds.Journal)
        {
            await bus.PublishAsync(
                new JournalPosted(posting.SettlementId ?? Guid.Empty, posting.SourceReference, document.Id, new DateTimeOffset(postedAt, TimeSpan.Zero)),
                transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        telemetry.Posting(posting.Kind, outcome);
        telemetry.PostingDelay(posting.Kind, time.GetUtcNow() - posting.CreatedAt);
    }

    /// <summary>The ERP refused the document for good: rejected, an exception with its reason, and JournalRejected for a journal.</summary>
    public async Task RejectedAsync(QueuedPosting posting, ErpPostResult.Rejected rejection, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand(
            """
            UPDATE postings SET status = 'rejected', rejection_code = @code, last_error = @reason, lease_until = NULL, may_have_posted = false, updated_at = now()
            WHERE document_type = @kind AND document_number = @document AND status = 'pending'
            """, connection, transaction);
        update.Parameters.AddWithValue("kind", posting.Kind);
        update.Parameters.AddWithValue("document", posting.DocumentNumber);
        update.Parameters.AddWithValue("code", rejection.Code);
        update.Parameters.AddWithValue("reason", rejection.Reason);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return;
        }

        await ExceptionStore.RecordAsync(connection, transaction, new NewException(
            posting.Kind, posting.DocumentNumber, posting.SourceReference, rejection.Code, rejection.Reason, rejection.Status, Retryable: true, posting.Payload), cancellationToken);
        if (posting.Kind == DocumentKinds.Journal)
        {
            await bus.PublishAsync(
                new JournalRejected(posting.SettlementId ?? Guid.Empty, posting.SourceReference, rejection.Code, rejection.Reason, time.GetUtcNow()),
                transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        telemetry.Posting(posting.Kind, "rejected");
        telemetry.PostingDelay(posting.Kind, time.GetUtcNow() - posting.CreatedAt);
    }

    /// <summary>Not this time: back to the queue after <paramref name="delay"/>, remembering whether the ERP may hold it already.</summary>
    public async Task RescheduleAsync(QueuedPosting posting, TimeSpan delay, string error, bool mayHavePosted, CancellationToken cancellationToken)
    {
        await using var update = database.CreateCommand(
            """
            UPDATE postings SET next_attempt_at = now() + @delay, lease_until = NULL, last_error = @error, may_have_posted = @may, updated_at = now()
            WHERE document_type = @kind AND document_number = @document AND status = 'pending'
            """);
        update.Parameters.AddWithValue("kind", posting.Kind);
        update.Parameters.AddWithValue("document", posting.DocumentNumber);
        update.Parameters.AddWithValue("delay", delay);
        update.Parameters.AddWithValue("error", error.Length <= 1000 ? error : error[..1000]);
        update.Parameters.AddWithValue("may", mayHavePosted);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Depth and age of the oldest waiting document per kind (every kind, zero included), for the gauges and operators.</summary>
    public async Task<IReadOnlyList<QueueGauge>> MeasureAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT k.kind, count(p.document_number), coalesce(extract(epoch FROM now() - min(p.created_at)), 0)::float8
            FROM unnest(@kinds) AS k (kind) LEFT JOIN postings p ON p.document_type = k.kind AND p.status = 'pending'
            GROUP BY k.kind ORDER BY k.kind
            """);
        command.Parameters.AddWithValue("kinds", DocumentKinds.Postable);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var gauges = new List<QueueGauge>();
        while (await reader.ReadAsync(cancellationToken))
        {
            gauges.Add(new QueueGauge(reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2)));
        }

        return gauges;
    }
}
