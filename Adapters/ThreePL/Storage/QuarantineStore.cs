using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Storage;

/// <summary>Writes quarantine rows in the caller's transaction and lists them for operators.</summary>
public sealed class QuarantineStore(NpgsqlDataSource database, ThreePLTelemetry telemetry)
{
    public const string FromX12 = "x12";
    public const string FromJson = "json";
    public const string FromApply = "apply";
    public const string FromOutbound = "outbound";

    public async Task AddAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string partnerId, string source, string reasonCode, string reason,
        string? reference, long? documentId, long? workId, long? messageId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO quarantine (partner_id, source, reason_code, reason, reference, document_id, work_id, message_id)
            VALUES (@partner, @source, @code, @reason, @reference, @document, @work, @message)
            """, connection, transaction);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("source", source);
        command.Parameters.AddWithValue("code", reasonCode);
        command.Parameters.AddWithValue("reason", reason.Length > 2000 ? reason[..2000] : reason);
        command.Parameters.AddWithValue("reference", (object?)reference ?? DBNull.Value);
        command.Parameters.AddWithValue("document", (object?)documentId ?? DBNull.Value);
        command.Parameters.AddWithValue("work", (object?)workId ?? DBNull.Value);
        command.Parameters.AddWithValue("message", (object?)messageId ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
        telemetry.Quarantined(partnerId, source, reasonCode);
    }

    public async Task<IReadOnlyList<QuarantineItem>> ListAsync(string? partnerId, string? source, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT quarantine_id, partner_id, source, reason_code, reason, reference, document_id, work_id, message_id, created_at
            FROM quarantine
            WHERE (@partner::text IS NULL OR partner_id = @partner) AND (@source::text IS NULL OR source = @source)
              AND (@before::bigint IS NULL OR quarantine_id < @before)
            ORDER BY quarantine_id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("partner", (object?)partnerId ?? DBNull.Value);
        command.Parameters.AddWithValue("source", (object?)source ?? DBNull.Value);
        command.Parameters.AddWithValue("before", (object?)before ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<QuarantineItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new QuarantineItem(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return items;
    }

    /// <summary>The body that was quarantined, for an operator looking at one entry.</summary>
    public async Task<(QuarantineItem Item, string? Body)?> GetAsync(long id, CancellationToken cancellationToken)
    {
        var items = await ListAsync(null, null, id + 1, 1, cancellationToken);
        if (items is not [var item] || item.QuarantineId != id)
        {
            return null;
        }

        string? body = null;
        if (item.DocumentId is { } documentId)
        {
            await using var command = database.CreateCommand("SELECT body FROM inbound_documents WHERE document_id = @id");
            command.Parameters.AddWithValue("id", documentId);
            body = (string?)await command.ExecuteScalarAsync(cancellationToken);
        }
        else if (item.MessageId is { } messageId)
        {
            await using var command = database.CreateCommand("SELECT body FROM outbound_messages WHERE message_id = @id");
            command.Parameters.AddWithValue("id", messageId);
            body = (string?)await command.ExecuteScalarAsync(cancellationToken);
        }

        return (item, body);
    }
}

public sealed record QuarantineItem(
    long QuarantineId, string PartnerId, string Source, string ReasonCode, string Reason, string? Reference,
    long? DocumentId, long? WorkId, long? MessageId, DateTimeOffset CreatedAt);
