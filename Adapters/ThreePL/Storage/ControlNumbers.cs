using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Storage;

/// <summary>
/// Our outgoing control numbers per partner (ISA13, GS06): taken inside the transaction that stores what carries
/// them, so they are persisted, never reused and increase in the order messages are queued (and sent).
/// </summary>
public static class ControlNumbers
{
    public const string Interchange = "interchange";
    public const string Group = "group";

    /// <summary>
    /// The next interchange and group numbers in one round trip, locking the two rows in the order
    /// <see cref="NextAsync"/> callers take them (interchange first). The rows stay locked until the caller's
    /// transaction ends, and every other message to the partner queues on them, so fewer round trips while holding
    /// them matter.
    /// </summary>
    public static async Task<(long Interchange, long Group)> NextInterchangeAndGroupAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO control_numbers (partner_id, kind, last_value) VALUES (@partner, @interchange, 1), (@partner, @group, 1)
            ON CONFLICT (partner_id, kind) DO UPDATE
                SET last_value = CASE WHEN control_numbers.last_value >= 999999999 THEN 1 ELSE control_numbers.last_value + 1 END
            RETURNING kind, last_value
            """, connection, transaction);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("interchange", Interchange);
        command.Parameters.AddWithValue("group", Group);
        long interchange = 0, group = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(0) == Interchange)
            {
                interchange = reader.GetInt64(1);
            }
            else
            {
                group = reader.GetInt64(1);
            }
        }

        return (interchange, group);
    }

    public static async Task<long> NextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string partnerId, string kind, CancellationToken cancellationToken)
    {
        // ISA13 has nine digits: after 999,999,999 the sequence starts again at 1.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO control_numbers (partner_id, kind, last_value) VALUES (@partner, @kind, 1)
            ON CONFLICT (partner_id, kind) DO UPDATE
                SET last_value = CASE WHEN control_numbers.last_value >= 999999999 THEN 1 ELSE control_numbers.last_value + 1 END
            RETURNING last_value
            """, connection, transaction);
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("kind", kind);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
