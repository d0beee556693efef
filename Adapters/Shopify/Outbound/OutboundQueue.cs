using System.Text.Json;
using Distribution.Aspire.ServiceDefaults.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// The durable outbound queue (<c>outbound_commands</c>). Commands are written in the transaction of the event that
/// causes them, so an event handled is an update queued. A pending quantity update is one row per SKU: a newer one
/// replaces its quantity and bumps its version, and the sender deletes the row only if the version it sent is
/// still the row's, so a value that arrived during the call is sent next instead of being lost. A Shopify outage
/// only delays the queue.
/// </summary>
public sealed class OutboundQueue(NpgsqlDataSource database)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A value replaced while the call was under way is sent next. Its change time restarts from the replacing value's:
    // the sent call acknowledged everything before it (understating freshness by at most that call's duration).
    private const string ReleaseReplaced =
        "leased_until = NULL, attempts = 0, next_attempt_at = now(), changed_at = COALESCE((payload->>'changedAt')::timestamptz, changed_at)";

    /// <summary>Queues the quantity; false when it only replaced a pending one (coalesced).</summary>
    public static async Task<bool> EnqueueInventoryAsync(SetInventoryCommand command, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // A row waiting out a back-off keeps its schedule (a new value must not hammer a shop that is down); a parked
        // or failed one is due again at once.
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO outbound_commands (kind, coalesce_key, payload, sequence, changed_at) VALUES (@kind, @key, @payload, @sequence, @changed_at)
            ON CONFLICT (coalesce_key) DO UPDATE SET
                payload = excluded.payload, sequence = excluded.sequence, version = outbound_commands.version + 1,
                changed_at = LEAST(outbound_commands.changed_at, excluded.changed_at),
                next_attempt_at = CASE WHEN outbound_commands.status = 'pending' THEN outbound_commands.next_attempt_at ELSE now() END,
                attempts = CASE WHEN outbound_commands.status = 'pending' THEN outbound_commands.attempts ELSE 0 END,
                status = 'pending', updated_at = now()
            WHERE outbound_commands.sequence < excluded.sequence
            RETURNING (xmax = 0)
            """, connection, transaction);
        upsert.Parameters.AddWithValue("kind", OutboundKinds.SetInventory);
        upsert.Parameters.AddWithValue("key", "inventory:" + command.Sku);
        upsert.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(command, Json));
        upsert.Parameters.AddWithValue("sequence", command.Sequence);
        upsert.Parameters.AddWithValue("changed_at", NpgsqlDbType.TimestampTz, (object?)command.ChangedAt ?? DBNull.Value);
        return await upsert.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Queues a fulfillment once per shipment.</summary>
    public static async Task EnqueueFulfillmentAsync(CreateFulfillmentCommand command, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO outbound_commands (kind, coalesce_key, payload) VALUES (@kind, @key, @payload)
            ON CONFLICT (coalesce_key) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue("kind", OutboundKinds.CreateFulfillment);
        insert.Parameters.AddWithValue("key", "fulfillment:" + command.ShipmentId);
        insert.Parameters.AddWithValue("payload", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(command, Json));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The next due command other than a quantity update (those go by GraphQL, in their own lane), leased so that no other replica sends it meanwhile.</summary>
    public async Task<LeasedCommand?> LeaseNextCallAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE outbound_commands SET leased_until = now() + @lease
            WHERE command_id = (
                SELECT command_id FROM outbound_commands
                WHERE kind <> @quantities AND status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
                ORDER BY next_attempt_at, command_id LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING command_id, kind, payload::text, version, attempts, changed_at
            """);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("quantities", OutboundKinds.SetInventory);
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LeasedCommand(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }

    /// <summary>The due quantity updates, up to <paramref name="limit"/>, oldest first, leased together so that they go to Shopify in one call.</summary>
    public async Task<IReadOnlyList<LeasedCommand>> LeaseInventoryAsync(TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE outbound_commands SET leased_until = now() + @lease
            WHERE command_id IN (
                SELECT command_id FROM outbound_commands
                WHERE kind = @kind AND status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
                ORDER BY next_attempt_at, command_id LIMIT @limit
                FOR UPDATE SKIP LOCKED)
            RETURNING command_id, kind, payload::text, version, attempts, changed_at
            """);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("kind", OutboundKinds.SetInventory);
        command.Parameters.AddWithValue("limit", limit);
        await using var claim = database.CreateClaim(command);
        await using var reader = await claim.ExecuteClaimReaderAsync(cancellationToken);
        var leased = new List<LeasedCommand>();
        while (await reader.ReadAsync(cancellationToken))
        {
            leased.Add(new LeasedCommand(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return leased;
    }

    /// <summary>
    /// Done, for many commands: each is removed unless a newer value replaced it meanwhile (then it is sent next).
    /// A handler replacing quantities holds their rows until its batch commits, taking them in its events' order; taking
    /// many rows here in another order while waiting for one of them deadlocked with it. So the rows free now are done in
    /// one statement that never waits, and each row a handler holds is done on its own after that.
    /// </summary>
    public async Task CompleteAsync(IReadOnlyList<LeasedCommand> leased, CancellationToken cancellationToken)
    {
        if (leased.Count == 0)
        {
            return;
        }

        await using var command = database.CreateCommand($"""
            WITH free AS (
                SELECT o.command_id, o.version = sent.version AS unchanged
                FROM outbound_commands o JOIN unnest(@ids, @versions) AS sent(id, version) ON o.command_id = sent.id
                ORDER BY o.command_id
                FOR UPDATE OF o SKIP LOCKED
            ), deleted AS (
                DELETE FROM outbound_commands WHERE command_id IN (SELECT command_id FROM free WHERE unchanged)
            ), released AS (
                UPDATE outbound_commands SET {ReleaseReplaced} WHERE command_id IN (SELECT command_id FROM free WHERE NOT unchanged)
            )
            SELECT command_id FROM free
            """);
        command.Parameters.AddWithValue("ids", leased.Select(l => l.CommandId).ToArray());
        command.Parameters.AddWithValue("versions", leased.Select(l => l.Version).ToArray());
        var done = await CommandIdsAsync(command, cancellationToken);
        foreach (var held in leased.Where(l => !done.Contains(l.CommandId)))
        {
            await CompleteAsync(held, null, cancellationToken);
        }
    }

    /// <summary>Done: removes the command unless a newer value replaced it meanwhile (then it is sent next). Runs <paramref name="record"/> in the same transaction.</summary>
    public async Task CompleteAsync(LeasedCommand leased, Func<NpgsqlConnection, NpgsqlTransaction, Task>? record, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (record is not null)
        {
            await record(connection, transaction);
        }

        await using var delete = new NpgsqlCommand("DELETE FROM outbound_commands WHERE command_id = @id AND version = @version", connection, transaction);
        delete.Parameters.AddWithValue("id", leased.CommandId);
        delete.Parameters.AddWithValue("version", leased.Version);
        if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            await using var release = new NpgsqlCommand(
                $"UPDATE outbound_commands SET {ReleaseReplaced} WHERE command_id = @id", connection, transaction);
            release.Parameters.AddWithValue("id", leased.CommandId);
            await release.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Back to the queue after a transient failure, each command with back-off by its own attempts: <paramref name="first"/>
    /// doubling, at most <paramref name="max"/>. Like <see cref="CompleteAsync(IReadOnlyList{LeasedCommand}, CancellationToken)"/>,
    /// the rows free now go in one statement that never waits and each row a handler holds on its own: a failed batch
    /// is most likely during an outage, while handlers keep replacing the same quantities.
    /// </summary>
    public async Task RescheduleAsync(IReadOnlyList<LeasedCommand> leased, TimeSpan first, TimeSpan max, string error, CancellationToken cancellationToken)
    {
        const string Backoff =
            "attempts = attempts + 1, leased_until = NULL, last_error = @error, updated_at = now(), next_attempt_at = now() + LEAST(@first * power(2, LEAST(attempts, 20)), @max)";
        NpgsqlCommand Command(string sql, long[] ids)
        {
            var command = database.CreateCommand(sql);
            command.Parameters.AddWithValue("ids", ids);
            command.Parameters.AddWithValue("first", first);
            command.Parameters.AddWithValue("max", max);
            command.Parameters.AddWithValue("error", error);
            return command;
        }

        HashSet<long> done;
        await using (var free = Command(
            $"""
            WITH free AS (SELECT command_id FROM outbound_commands WHERE command_id = ANY(@ids) ORDER BY command_id FOR UPDATE SKIP LOCKED),
            moved AS (UPDATE outbound_commands SET {Backoff} WHERE command_id IN (SELECT command_id FROM free))
            SELECT command_id FROM free
            """,
            [.. leased.Select(l => l.CommandId)]))
        {
            done = await CommandIdsAsync(free, cancellationToken);
        }

        foreach (var held in leased.Where(l => !done.Contains(l.CommandId)))
        {
            await using var one = Command($"UPDATE outbound_commands SET {Backoff} WHERE command_id = ANY(@ids)", [held.CommandId]);
            await one.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<HashSet<long>> CommandIdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>Parks a quantity update whose SKU is not in the map; mapping the SKU revives it. A value that replaced it during the attempt is tried next instead.</summary>
    public Task ParkAsync(LeasedCommand leased, CancellationToken cancellationToken) =>
        EndUnlessReplacedAsync(leased, "status = 'unmapped', leased_until = NULL, last_error = 'SKU not in the SKU map', updated_at = now()", null, cancellationToken);

    /// <summary>
    /// Refused for good. Only the value that was refused: one that replaced it during the call (the SKU mapped meanwhile,
    /// or simply a newer quantity) is sent next, instead of waiting as failed for another event or an operator.
    /// </summary>
    public Task FailAsync(LeasedCommand leased, string error, CancellationToken cancellationToken) =>
        EndUnlessReplacedAsync(leased, "status = 'failed', attempts = attempts + 1, leased_until = NULL, last_error = @error, updated_at = now()", error, cancellationToken);

    /// <summary>Queue depth by kind and status, with the oldest waiting command, for operators.</summary>
    public async Task<IReadOnlyList<OutboundSummary>> SummarizeAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT kind, status, count(*), min(created_at), max(attempts) FROM outbound_commands GROUP BY kind, status ORDER BY kind, status
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<OutboundSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboundSummary(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        }

        return rows;
    }

    private async Task EndUnlessReplacedAsync(LeasedCommand leased, string set, string? error, CancellationToken cancellationToken)
    {
        // One batch is one transaction: exactly one of the two matches, whatever commits in between.
        await using var batch = database.CreateBatch();
        var end = new NpgsqlBatchCommand($"UPDATE outbound_commands SET {set} WHERE command_id = @id AND version = @version")
        {
            Parameters = { new("id", leased.CommandId), new("version", leased.Version) },
        };
        if (error is not null)
        {
            end.Parameters.Add(new NpgsqlParameter("error", error));
        }

        batch.BatchCommands.Add(end);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"UPDATE outbound_commands SET {ReleaseReplaced} WHERE command_id = @id AND version <> @version")
        {
            Parameters = { new("id", leased.CommandId), new("version", leased.Version) },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed record OutboundSummary(string Kind, string Status, long Count, DateTimeOffset OldestCreatedAt, int MaxAttempts);
