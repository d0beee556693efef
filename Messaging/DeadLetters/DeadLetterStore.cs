using Npgsql;

namespace Distribution.Aspire.Messaging.DeadLetters;

public enum ReplayResult
{
    Replayed,
    NotFound,
    NotPending,

    /// <summary>The stored envelope is not a readable CloudEvent (it arrived that way); discard it instead.</summary>
    Unreadable,
}

/// <summary>
/// The service's dead letters. A replay puts the original envelope (same event id) back in the outbox,
/// in one transaction with marking it replayed, addressed to this subscription (<c>replayfor</c>): the relay
/// republishes it on the shared topic, this service handles it again, and every other subscriber leaves it
/// alone, whether it handled the event long ago or dead-lettered it too and its operator decided otherwise.
/// </summary>
public sealed class DeadLetterStore(NpgsqlDataSource database, Outbox.OutboxSignal signal, TimeProvider time)
{
    private const string Columns =
        "dead_letter_id, subscription, topic, event_id, event_type, envelope, error, attempts, first_failed_at, last_failed_at, status, resolved_at";

    public async Task AddAsync(string subscription, string topic, string eventId, string eventType, string envelope, string error, int attempts, DateTimeOffset firstFailedAt, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            INSERT INTO dead_letters (dead_letter_id, subscription, topic, event_id, event_type, envelope, error, attempts, first_failed_at, last_failed_at)
            VALUES (@id, @subscription, @topic, @event_id, @event_type, @envelope, @error, @attempts, @first, @last)
            ON CONFLICT (subscription, event_id) DO UPDATE SET
                status = 'pending', resolved_at = NULL, error = excluded.error,
                attempts = dead_letters.attempts + excluded.attempts, last_failed_at = excluded.last_failed_at
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("subscription", subscription);
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("event_id", eventId);
        command.Parameters.AddWithValue("event_type", eventType);
        command.Parameters.AddWithValue("envelope", envelope);
        command.Parameters.AddWithValue("error", error.Length > 4000 ? error[..4000] : error);
        command.Parameters.AddWithValue("attempts", attempts);
        command.Parameters.AddWithValue("first", firstFailedAt);
        command.Parameters.AddWithValue("last", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT {Columns} FROM dead_letters
            WHERE (@status::text IS NULL OR status = @status) AND (@type::text IS NULL OR event_type = @type) AND (@topic::text IS NULL OR topic = @topic)
            ORDER BY last_failed_at DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("status", (object?)filter.Status ?? DBNull.Value);
        command.Parameters.AddWithValue("type", (object?)filter.EventType ?? DBNull.Value);
        command.Parameters.AddWithValue("topic", (object?)filter.Topic ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(filter.Limit, 1, 1000));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<DeadLetter?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM dead_letters WHERE dead_letter_id = @id");
        command.Parameters.AddWithValue("id", id);
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<ReplayResult> ReplayAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "SELECT topic, event_id, event_type, envelope, status, subscription FROM dead_letters WHERE dead_letter_id = @id FOR UPDATE", connection, transaction);
        select.Parameters.AddWithValue("id", id);
        string topic, eventId, eventType, envelope, status, subscription;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return ReplayResult.NotFound;
            }

            (topic, eventId, eventType, envelope, status, subscription) =
                (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5));
        }

        if (status != "pending")
        {
            return ReplayResult.NotPending;
        }

        CloudEvents.CloudEvent replay;
        try
        {
            replay = CloudEvents.CloudEventSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(envelope)) with { ReplayFor = subscription };
        }
        catch (FormatException)
        {
            return ReplayResult.Unreadable;
        }

        await using (var outbox = new NpgsqlCommand(
            "INSERT INTO outbox (event_id, topic, partition_key, event_type, envelope) VALUES (@id, @topic, @key, @type, @envelope)",
            connection,
            transaction))
        {
            outbox.Parameters.AddWithValue("id", eventId);
            outbox.Parameters.AddWithValue("topic", topic);
            outbox.Parameters.AddWithValue("key", replay.PartitionKey);
            outbox.Parameters.AddWithValue("type", eventType);
            outbox.Parameters.AddWithValue("envelope", CloudEvents.CloudEventSerializer.Serialize(replay));
            await outbox.ExecuteNonQueryAsync(cancellationToken);
        }

        await ResolveAsync(connection, transaction, id, "replayed", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return ReplayResult.Replayed;
    }

    public async Task<int> ReplayAllAsync(DeadLetterFilter filter, CancellationToken cancellationToken)
    {
        var replayed = 0;
        foreach (var deadLetter in await ListAsync(filter with { Status = "pending", Limit = 1000 }, cancellationToken))
        {
            if (await ReplayAsync(deadLetter.Id, cancellationToken) == ReplayResult.Replayed)
            {
                replayed++;
            }
        }

        return replayed;
    }

    public async Task<bool> DiscardAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await ResolveAsync(connection, null, id, "discarded", cancellationToken);
    }

    private async Task<bool> ResolveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, string status, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE dead_letters SET status = @status, resolved_at = @at WHERE dead_letter_id = @id AND status = 'pending'", connection, transaction);
        update.Parameters.AddWithValue("status", status);
        update.Parameters.AddWithValue("at", time.GetUtcNow());
        update.Parameters.AddWithValue("id", id);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<IReadOnlyList<DeadLetter>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var results = new List<DeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new DeadLetter(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }

        return results;
    }
}
