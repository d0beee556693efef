using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Distribution.Aspire.SettlementService.Domain;
using Npgsql;

namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>
/// Open reconciliation mismatches (results other than matched, in settlements whose status is still mismatch)
/// per channel and result, and how long the oldest such settlement has waited; the console's mismatch list as numbers.
/// </summary>
public sealed class MismatchSampler(NpgsqlDataSource database, SettlementTelemetry telemetry, TimeProvider time) : IGaugeSampler
{
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT s.channel, r.result, count(*), min(s.reconciled_at)
            FROM reconciliation_results r JOIN settlements s ON s.settlement_id = r.settlement_id
            WHERE s.status = 'mismatch' AND r.result <> 'matched'
            GROUP BY s.channel, r.result
            """);
        var now = time.GetUtcNow();
        var open = new List<Measurement<long>>();
        var oldest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var channel = reader.GetString(0);
                open.Add(new(reader.GetInt64(2), new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", reader.GetString(1))));
                var since = reader.GetFieldValue<DateTimeOffset>(3);
                oldest[channel] = oldest.TryGetValue(channel, out var known) && known < since ? known : since;
            }
        }

        telemetry.OpenMismatches.Set(open);
        telemetry.OldestMismatchAge.Set(oldest.Select(o => new Measurement<double>(Math.Max(0, (now - o.Value).TotalSeconds), new KeyValuePair<string, object?>("channel", o.Key))));
    }
}
