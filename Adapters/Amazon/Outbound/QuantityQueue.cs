using Distribution.Aspire.ServiceDefaults.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// The durable outbound queue of channel quantities: one row per SKU holding the latest value, so a burst
/// of changes (or an outage) ends in one update with the newest quantity, and nothing is lost on a crash.
/// </summary>
public sealed class QuantityQueue(NpgsqlDataSource database)
{
    /// <summary>
    /// Records a newer quantity; an older or repeated sequence changes nothing (null). Returns whether a call to Amazon is
    /// now due: not when Amazon accepted this very quantity last and nothing else is queued for the SKU. Inventory
    /// republishes a SKU whenever its stock moves, also when the channel's number stays the same (a shipment takes the
    /// same units off hand and off reserved), and each call spends one of the 5 per second Amazon allows for listings.
    /// </summary>
    public static async Task<bool?> EnqueueAsync(
        string sku, int quantity, long sequence, DateTimeOffset asOf, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Only a settled row is compared: a pending value may be in flight or may have reached Amazon before its call
        // failed, so Amazon could show it, and the newest value must then be sent even if it equals the last accepted.
        await using var command = new NpgsqlCommand("""
            INSERT INTO quantity_updates (sku, quantity, sequence, as_of, changed_at) VALUES ($1, $2, $3, $4, $4)
            ON CONFLICT (sku) DO UPDATE SET
                quantity = EXCLUDED.quantity, sequence = EXCLUDED.sequence, as_of = EXCLUDED.as_of,
                pending = quantity_updates.pending OR quantity_updates.sent_quantity IS DISTINCT FROM EXCLUDED.quantity,
                -- freshness runs from the oldest change Amazon has not accepted yet
                changed_at = CASE WHEN quantity_updates.pending THEN LEAST(quantity_updates.changed_at, EXCLUDED.as_of) ELSE EXCLUDED.as_of END,
                -- a SKU already waiting out a failure keeps its back-off: new values do not hammer a partner that is down
                next_attempt_at = CASE WHEN quantity_updates.pending THEN quantity_updates.next_attempt_at ELSE now() END,
                attempts = CASE WHEN quantity_updates.pending THEN quantity_updates.attempts ELSE 0 END
            WHERE quantity_updates.sequence < EXCLUDED.sequence
            RETURNING pending
            """, connection, transaction);
        command.Parameters.Add(new() { Value = sku });
        command.Parameters.Add(new() { Value = quantity });
        command.Parameters.Add(new() { Value = sequence });
        command.Parameters.Add(new() { Value = asOf });
        return await command.ExecuteScalarAsync(cancellationToken) as bool?;
    }

    public async Task<IReadOnlyList<QueuedQuantity>> ClaimAsync(int batchSize, TimeSpan lease, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE quantity_updates q SET lease_until = now() + $2, attempts = q.attempts + 1
            FROM (
                SELECT sku FROM quantity_updates
                WHERE pending AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_attempt_at
                LIMIT $1
                FOR UPDATE SKIP LOCKED
            ) due
            WHERE q.sku = due.sku
            RETURNING q.sku, q.quantity, q.sequence, q.attempts, COALESCE(q.changed_at, q.as_of)
            """);
        command.Parameters.Add(new() { Value = batchSize });
        command.Parameters.Add(new() { Value = lease });
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        var claimed = new List<QueuedQuantity>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new QueuedQuantity(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return claimed;
    }

    /// <summary>Amazon accepted these values; a SKU whose value changed meanwhile stays pending for the newer one.</summary>
    public async Task MarkSentAsync(IReadOnlyList<QueuedQuantity> sent, string? feedId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE quantity_updates q SET
                sent_quantity = s.quantity, sent_sequence = s.sequence, sent_at = now(), feed_id = $4,
                pending = (q.sequence <> s.sequence), attempts = 0,
                -- a newer value arrived while this one was in flight: its own change time starts the next measurement
                changed_at = CASE WHEN q.sequence <> s.sequence THEN q.as_of ELSE q.changed_at END, lease_until = NULL, last_error = NULL, next_attempt_at = now()
            FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS s(sku, quantity, sequence)
            WHERE q.sku = s.sku
            """);
        command.Parameters.Add(new() { Value = sent.Select(s => s.Sku).ToArray() });
        command.Parameters.Add(new() { Value = sent.Select(s => s.Quantity).ToArray() });
        command.Parameters.Add(new() { Value = sent.Select(s => s.Sequence).ToArray() });
        command.Parameters.Add(new() { Value = (object?)feedId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Amazon refused the value for good: stop sending it (a newer value is still sent).</summary>
    public async Task MarkRejectedAsync(QueuedQuantity item, string error, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE quantity_updates SET pending = (sequence <> $2), attempts = 0, lease_until = NULL, last_error = $3
            WHERE sku = $1
            """);
        command.Parameters.Add(new() { Value = item.Sku });
        command.Parameters.Add(new() { Value = item.Sequence });
        command.Parameters.Add(new() { Value = Clip(error) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The call did not get through: try again after the delay, with whatever value is newest then.</summary>
    public async Task RetryLaterAsync(IEnumerable<string> skus, TimeSpan delay, string error, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            UPDATE quantity_updates SET lease_until = NULL, next_attempt_at = now() + $2, last_error = $3 WHERE sku = ANY($1)
            """);
        command.Parameters.Add(new() { Value = skus.ToArray() });
        command.Parameters.Add(new() { Value = delay });
        command.Parameters.Add(new() { Value = Clip(error) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A feed that Amazon could not process: its SKUs go out again.</summary>
    public async Task RequeueFeedAsync(string feedId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "UPDATE quantity_updates SET pending = true, next_attempt_at = now(), feed_id = NULL WHERE feed_id = $1");
        command.Parameters.Add(new() { Value = feedId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Clip(string text) => text.Length <= 2000 ? text : text[..2000];
}

/// <summary>A claimed quantity; <paramref name="ChangedAt"/> is the oldest change it carries that Amazon has not accepted.</summary>
public sealed record QueuedQuantity(string Sku, int Quantity, long Sequence, int Attempts, DateTimeOffset? ChangedAt = null);
