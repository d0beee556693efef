using Npgsql;

namespace Distribution.Aspire.ServiceDefaults.Sla;

/// <summary>The service's list of SLA breaches (table <c>sla_breaches</c>, migration set <c>sla</c>).</summary>
public sealed class SlaBreachStore(NpgsqlDataSource database)
{
    private const int MaxLimit = 500;

    /// <summary>
    /// Records a breach in the caller's transaction, so it commits with the change it is about. False when the
    /// same SLA was already breached for the subject.
    /// </summary>
    public static async Task<bool> RaiseAsync(NpgsqlTransaction transaction, SlaBreach breach, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Insert, transaction.Connection, transaction);
        Bind(command, breach);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Records a breach found outside any business transaction (a sampler's finding).</summary>
    public async Task<bool> RaiseAsync(SlaBreach breach, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(Insert);
        Bind(command, breach);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<SlaBreach>> ListAsync(string? partnerId, string? sla, int? limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT breach_id, sla, subject, partner_id, channel, order_id, reference, measured_seconds, threshold_seconds, raised_at
            FROM sla_breaches
            WHERE (@partner::text IS NULL OR partner_id = @partner) AND (@sla::text IS NULL OR sla = @sla)
            ORDER BY raised_at DESC, breach_id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("partner", (object?)partnerId ?? DBNull.Value);
        command.Parameters.AddWithValue("sla", (object?)sla ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit ?? 100, 1, MaxLimit));
        var breaches = new List<SlaBreach>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            breaches.Add(new SlaBreach(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetDouble(7), reader.GetDouble(8), reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return breaches;
    }

    private const string Insert =
        """
        INSERT INTO sla_breaches (breach_id, sla, subject, partner_id, channel, order_id, reference, measured_seconds, threshold_seconds, raised_at)
        VALUES (@id, @sla, @subject, @partner, @channel, @order, @reference, @measured, @threshold, @at)
        ON CONFLICT ON CONSTRAINT sla_breaches_once DO NOTHING
        """;

    private static void Bind(NpgsqlCommand command, SlaBreach breach)
    {
        command.Parameters.AddWithValue("id", breach.BreachId);
        command.Parameters.AddWithValue("sla", breach.Sla);
        command.Parameters.AddWithValue("subject", breach.Subject);
        command.Parameters.AddWithValue("partner", breach.PartnerId);
        command.Parameters.AddWithValue("channel", breach.Channel);
        command.Parameters.AddWithValue("order", (object?)breach.OrderId ?? DBNull.Value);
        command.Parameters.AddWithValue("reference", (object?)breach.Reference ?? DBNull.Value);
        command.Parameters.AddWithValue("measured", breach.MeasuredSeconds);
        command.Parameters.AddWithValue("threshold", breach.ThresholdSeconds);
        command.Parameters.AddWithValue("at", breach.RaisedAt);
    }
}
