using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Exceptions;

public enum RetryResult
{
    Retried,
    NotFound,
    NotRetryable,
}

/// <summary>
/// The exceptions list: everything the adapter refused or could not take, with the raw body. A repeat of the
/// same delivery with the same code counts an occurrence instead of adding a row.
/// </summary>
public sealed class ExceptionStore(NpgsqlDataSource database, ShopifyTelemetry telemetry, Microsoft.Extensions.Options.IOptions<ShopifyOptions> options)
{
    private const string Columns = """
        exception_id, stage, code, reason, delivery_id, command_id, shop_domain, partner_id, topic, shopify_order_id,
        body_bytes, body_truncated, status, occurrences, created_at, last_seen_at
        """;

    public async Task RecordAsync(NewException item, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await RecordAsync(item, connection, null, cancellationToken);
    }

    public async Task RecordAsync(NewException item, NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        // A refused request is kept as a prefix (it may be huge); a stored delivery is bounded by the intake already.
        var keep = item.Stage == ExceptionStage.Intake ? options.Value.MaxStoredRejectedBytes : int.MaxValue;
        var body = item.Body.Length > keep ? item.Body[..keep] : item.Body;
        await using var command = new NpgsqlCommand("""
            INSERT INTO shopify_exceptions (exception_id, stage, code, reason, delivery_id, command_id, shop_domain, partner_id, topic,
                                            shopify_order_id, body, body_bytes, body_truncated)
            VALUES (@id, @stage, @code, @reason, @delivery, @command, @shop, @partner, @topic, @order, @body, @bytes, @truncated)
            ON CONFLICT (delivery_id, code) WHERE status = 'open' AND delivery_id IS NOT NULL
            DO UPDATE SET occurrences = shopify_exceptions.occurrences + 1, last_seen_at = now(), reason = excluded.reason
            """, connection, transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("stage", item.Stage);
        command.Parameters.AddWithValue("code", item.Code);
        command.Parameters.AddWithValue("reason", Truncate(item.Reason, 2000));
        command.Parameters.AddWithValue("delivery", NpgsqlDbType.Text, (object?)item.DeliveryId ?? DBNull.Value);
        command.Parameters.AddWithValue("command", NpgsqlDbType.Bigint, (object?)item.CommandId ?? DBNull.Value);
        command.Parameters.AddWithValue("shop", NpgsqlDbType.Text, (object?)item.ShopDomain ?? DBNull.Value);
        command.Parameters.AddWithValue("partner", NpgsqlDbType.Text, (object?)item.PartnerId ?? DBNull.Value);
        command.Parameters.AddWithValue("topic", NpgsqlDbType.Text, (object?)item.Topic ?? DBNull.Value);
        command.Parameters.AddWithValue("order", NpgsqlDbType.Bigint, (object?)item.ShopifyOrderId ?? DBNull.Value);
        command.Parameters.AddWithValue("body", NpgsqlDbType.Bytea, body.IsEmpty ? DBNull.Value : body.ToArray());
        command.Parameters.AddWithValue("bytes", Math.Max(item.BodyBytes, item.Body.Length));
        command.Parameters.AddWithValue("truncated", item.Body.Length > body.Length || item.BodyBytes > body.Length);
        await command.ExecuteNonQueryAsync(cancellationToken);
        ShopifyTelemetry.Count(telemetry.Exceptions, "stage", item.Stage, "code", item.Code);
    }

    public async Task<IReadOnlyList<ShopifyException>> ListAsync(string? status, string? stage, string? code, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {Columns} FROM shopify_exceptions
            WHERE (@status::text IS NULL OR status = @status) AND (@stage::text IS NULL OR stage = @stage) AND (@code::text IS NULL OR code = @code)
            ORDER BY created_at DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("status", NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("stage", NpgsqlDbType.Text, (object?)stage ?? DBNull.Value);
        command.Parameters.AddWithValue("code", NpgsqlDbType.Text, (object?)code ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<ShopifyException>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(Read(reader, body: null));
        }

        return items;
    }

    public async Task<ShopifyException?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns}, body FROM shopify_exceptions WHERE exception_id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var body = reader.IsDBNull(16) ? null : Encoding.UTF8.GetString((byte[])reader.GetValue(16));
        return Read(reader, body);
    }

    /// <summary>
    /// Sends the item through again: a stored delivery goes back to the webhook worker, an outbound command back to
    /// the queue (after, say, a SKU was added to the map). Refused requests were never stored, so they cannot be.
    /// </summary>
    public async Task<RetryResult> RetryAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var find = new NpgsqlCommand(
            "SELECT delivery_id, command_id, stage, status FROM shopify_exceptions WHERE exception_id = @id FOR UPDATE", connection, transaction);
        find.Parameters.AddWithValue("id", id);
        string? deliveryId;
        long? commandId;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return RetryResult.NotFound;
            }

            if (reader.GetString(2) == ExceptionStage.Intake || reader.GetString(3) != "open")
            {
                return RetryResult.NotRetryable;
            }

            deliveryId = reader.IsDBNull(0) ? null : reader.GetString(0);
            commandId = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }

        var sql = deliveryId is not null
            ? "UPDATE webhook_deliveries SET status = 'received', outcome = NULL, attempts = 0, next_attempt_at = now() WHERE delivery_id = @key AND status = 'exception'"
            : "UPDATE outbound_commands SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE command_id = @key AND status = 'failed'";
        await using var reset = new NpgsqlCommand(sql, connection, transaction);
        reset.Parameters.AddWithValue("key", deliveryId is not null ? deliveryId : commandId ?? -1);
        if (await reset.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return RetryResult.NotRetryable;
        }

        await using var mark = new NpgsqlCommand("UPDATE shopify_exceptions SET status = 'retried', resolved_at = now() WHERE exception_id = @id", connection, transaction);
        mark.Parameters.AddWithValue("id", id);
        await mark.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RetryResult.Retried;
    }

    public async Task<bool> ResolveAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE shopify_exceptions SET status = 'resolved', resolved_at = now() WHERE exception_id = @id AND status = 'open'");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static ShopifyException Read(NpgsqlDataReader reader, string? body) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetInt64(9),
        reader.GetInt64(10),
        reader.GetBoolean(11),
        reader.GetString(12),
        reader.GetInt32(13),
        reader.GetFieldValue<DateTimeOffset>(14),
        reader.GetFieldValue<DateTimeOffset>(15),
        body);

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}
