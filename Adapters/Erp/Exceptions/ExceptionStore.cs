using Distribution.Aspire.Adapters.Erp.Connector;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Erp.Exceptions;

/// <summary>
/// What operators must look at: the ERP's refusals with its reason, and item-master entries inventory would not
/// take. One open exception per document and code. A retry puts a refused document back in the queue (after the
/// cause was fixed in the ERP, e.g. the missing account created), in one transaction with closing the exception.
/// </summary>
public sealed class ExceptionStore(NpgsqlDataSource database)
{
    public const int MaxPayloadChars = 64 * 1024;

    public static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewException exception, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO exceptions (document_type, document_number, source_reference, code, reason, erp_status, retryable, payload)
            VALUES (@kind, @number, @source, @code, @reason, @status, @retryable, @payload)
            ON CONFLICT (document_type, document_number, code) WHERE status = 'open' DO UPDATE SET reason = excluded.reason
            """, connection, transaction);
        insert.Parameters.AddWithValue("kind", exception.Kind);
        insert.Parameters.AddWithValue("number", exception.DocumentNumber);
        insert.Parameters.AddWithValue("source", exception.SourceReference);
        insert.Parameters.AddWithValue("code", exception.Code);
        insert.Parameters.AddWithValue("reason", exception.Reason);
        insert.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Integer) { Value = exception.ErpStatus is { } status ? status : DBNull.Value });
        insert.Parameters.AddWithValue("retryable", exception.Retryable);
        insert.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Text)
        {
            Value = exception.Payload is { } payload ? payload[..Math.Min(payload.Length, MaxPayloadChars)] : DBNull.Value,
        });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordAsync(NewException exception, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RecordAsync(connection, transaction, exception, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ErpException>> ListAsync(string? status, string? kind, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            SELECT {Columns}, NULL FROM exceptions
            WHERE (@status::text IS NULL OR status = @status) AND (@kind::text IS NULL OR document_type = @kind)
            ORDER BY exception_id DESC LIMIT @limit
            """);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = status is null or "all" ? DBNull.Value : status });
        command.Parameters.Add(new NpgsqlParameter("kind", NpgsqlDbType.Text) { Value = (object?)kind ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<ErpException?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns}, payload FROM exceptions WHERE exception_id = @id");
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command, cancellationToken)) is [var found] ? found : null;
    }

    /// <summary>
    /// Closes an open, retryable exception and puts its document back in the queue (due now, attempts from zero).
    /// Answers the exception as it was, or null when there is none with that id; the caller checks status and retryable.
    /// </summary>
    public async Task<ErpException?> RetryAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand($"SELECT {Columns}, NULL FROM exceptions WHERE exception_id = @id FOR UPDATE", connection, transaction);
        select.Parameters.AddWithValue("id", id);
        if ((await ReadAsync(select, cancellationToken)) is not [var found])
        {
            return null;
        }

        if (found.Status != "open" || !found.Retryable)
        {
            return found;
        }

        await using var retry = new NpgsqlCommand(
            """
            UPDATE exceptions SET status = 'retried', closed_at = now() WHERE exception_id = @id;
            UPDATE postings SET status = 'pending', attempts = 0, next_attempt_at = now(), lease_until = NULL, may_have_posted = false,
                rejection_code = NULL, updated_at = now()
            WHERE document_type = @kind AND document_number = @number AND status = 'rejected';
            """, connection, transaction);
        retry.Parameters.AddWithValue("id", id);
        retry.Parameters.AddWithValue("kind", found.Kind);
        retry.Parameters.AddWithValue("number", found.DocumentNumber);
        await retry.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return found;
    }

    /// <summary>Closes an open exception without doing anything (the operator handled it in the ERP).</summary>
    public async Task<ErpException?> DismissAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            $"""
            WITH before AS (SELECT {Columns}, NULL FROM exceptions WHERE exception_id = @id),
                 closed AS (UPDATE exceptions SET status = 'dismissed', closed_at = now() WHERE exception_id = @id AND status = 'open')
            SELECT * FROM before
            """);
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command, cancellationToken)) is [var found] ? found : null;
    }

    /// <summary>Closes the open item exceptions of SKUs inventory has now taken (the item was fixed in the ERP).</summary>
    public async Task ResolveItemsAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        if (skus.Count == 0)
        {
            return;
        }

        await using var command = database.CreateCommand(
            "UPDATE exceptions SET status = 'resolved', closed_at = now() WHERE document_type = @kind AND status = 'open' AND document_number = ANY(@skus)");
        command.Parameters.AddWithValue("kind", DocumentKinds.Item);
        command.Parameters.AddWithValue("skus", skus.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string Columns =
        "exception_id, document_type, document_number, source_reference, code, reason, erp_status, retryable, status, created_at, closed_at";

    private static async Task<List<ErpException>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ErpException>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ErpException(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.GetBoolean(7), reader.GetString(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return list;
    }
}
