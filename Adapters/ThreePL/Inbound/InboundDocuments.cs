using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>Raw bodies as received: stored (and committed) before anything reads them.</summary>
public sealed class InboundDocuments(NpgsqlDataSource database)
{
    public const string Received = "received";
    public const string Processed = "processed";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";

    public async Task<long> StoreAsync(string partnerId, string format, string body, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO inbound_documents (partner_id, format, body, body_sha256) VALUES (@partner, @format, @body, @hash) RETURNING document_id");
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("format", format);
        command.Parameters.AddWithValue("body", body);
        command.Parameters.AddWithValue("hash", Sha256(body));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Keeps a body that PostgreSQL text cannot hold (it contains NUL) as refused and quarantined: the exact bytes in
    /// body_raw, a readable copy (NUL shown as U+2400) in body, so operators see what the partner sent.
    /// </summary>
    public async Task<long> RefuseUnstorableAsync(string partnerId, string format, string body, QuarantineStore quarantine, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        long documentId;
        await using (var command = new NpgsqlCommand(
            "INSERT INTO inbound_documents (partner_id, format, body, body_raw, body_sha256, status, processed_at) VALUES (@partner, @format, @body, @raw, @hash, 'rejected', now()) RETURNING document_id",
            connection, transaction))
        {
            command.Parameters.AddWithValue("partner", partnerId);
            command.Parameters.AddWithValue("format", format);
            command.Parameters.AddWithValue("body", body.Replace('\0', '\u2400'));
            command.Parameters.AddWithValue("raw", Encoding.UTF8.GetBytes(body));
            command.Parameters.AddWithValue("hash", Sha256(body));
            documentId = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        await quarantine.AddAsync(connection, transaction, partnerId, format == "x12" ? QuarantineStore.FromX12 : QuarantineStore.FromJson, ThreePLReasons.NulCharacter,
            "The body contains a NUL character, which neither X12 nor JSON text allows.", null, documentId, null, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return documentId;
    }

    /// <summary>Locks the document for processing; null when another replica or an earlier attempt already processed it.</summary>
    public static async Task<(string Status, string? Response)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long documentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status, response FROM inbound_documents WHERE document_id = @id FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    public static async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long documentId, string status, string? response, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE inbound_documents SET status = @status, response = @response, processed_at = now() WHERE document_id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", documentId);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("response", (object?)response ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task AddWorkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long documentId, string partnerId, string kind, string reference, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO inbound_work (document_id, partner_id, kind, reference) VALUES (@document, @partner, @kind, @reference) ON CONFLICT DO NOTHING",
            connection, transaction);
        command.Parameters.AddWithValue("document", documentId);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("reference", reference);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Documents stored but never processed (the process stopped in between), oldest first.</summary>
    public async Task<IReadOnlyList<(long DocumentId, string PartnerId, string Format, string Body)>> UnprocessedAsync(TimeSpan olderThan, int limit, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand(
            """
            SELECT document_id, partner_id, format, body FROM inbound_documents
            WHERE status = 'received' AND received_at < now() - @age
            ORDER BY document_id LIMIT @limit
            """);
        command.Parameters.AddWithValue("age", olderThan);
        command.Parameters.AddWithValue("limit", limit);
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        var documents = new List<(long, string, string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return documents;
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
