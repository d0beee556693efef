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
