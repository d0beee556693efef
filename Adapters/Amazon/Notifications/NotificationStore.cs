using Distribution.Aspire.ServiceDefaults.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Amazon.Notifications;

/// <summary>The durable inbox of notifications (and of orders the backup poll found): stored first, processed after.</summary>
public sealed class NotificationStore(NpgsqlDataSource database)
{
    public const string Received = "received";
    public const string Processed = "processed";
    public const string Failed = "failed";

    /// <summary>Stores a delivery once; false when its id was already stored (a replay).</summary>
    public async Task<bool> InsertAsync(
        string notificationId, string partnerId, string amazonOrderId, string source, string payloadJson, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            INSERT INTO notifications (notification_id, notification_type, payload, partner_id, amazon_order_id, source)
            VALUES ($1, 'ORDER_CHANGE', $2, $3, $4, $5)
            ON CONFLICT (notification_id) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = notificationId });
        command.Parameters.Add(new() { Value = payloadJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = partnerId });
        command.Parameters.Add(new() { Value = amazonOrderId });
        command.Parameters.Add(new() { Value = source });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Takes due rows for this worker until the lease ends; rows of a worker that died are due again then.</summary>
    public async Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE notifications n SET lease_until = now() + $2, attempts = n.attempts + 1
            FROM (
                SELECT notification_id FROM notifications
                WHERE status = 'received' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                ORDER BY received_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED
            ) due
            WHERE n.notification_id = due.notification_id
            RETURNING n.notification_id, n.partner_id, n.amazon_order_id, n.received_at, n.attempts
            """);
        command.Parameters.Add(new() { Value = batchSize });
        command.Parameters.Add(new() { Value = lease });
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        var claimed = new List<ClaimedNotification>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedNotification(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        }

        return claimed;
    }

    public async Task FinishAsync(
        IEnumerable<string> ids, string status, string outcome, string? error, CancellationToken cancellationToken,
        NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null)
    {
        const string sql = """
            UPDATE notifications SET status = $2, outcome = $3, last_error = $4, processed_at = now(), lease_until = NULL
            WHERE notification_id = ANY($1)
            """;
        await using var command = connection is null ? database.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new() { Value = ids.ToArray() });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = outcome });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RetryLaterAsync(IEnumerable<string> ids, TimeSpan delay, string error, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE notifications SET next_attempt_at = now() + $2, last_error = $3, lease_until = NULL
            WHERE notification_id = ANY($1)
            """);
        command.Parameters.Add(new() { Value = ids.ToArray() });
        command.Parameters.Add(new() { Value = delay });
        command.Parameters.Add(new() { Value = error.Length <= 2000 ? error : error[..2000] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed record ClaimedNotification(string NotificationId, string PartnerId, string AmazonOrderId, DateTimeOffset ReceivedAt, int Attempts);
