using System.Diagnostics.Metrics;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Npgsql;

namespace Distribution.Aspire.Messaging.DeadLetters;

/// <summary>
/// Pending dead letters per topic and the age of the oldest, tagged with this service's name so the dashboard
/// shows every service's backlog side by side. Topics with nothing pending report 0 once they had a dead letter.
/// </summary>
public sealed class DeadLetterSampler(NpgsqlDataSource database, MessagingTelemetry telemetry, MessagingIdentity identity, TimeProvider time) : IGaugeSampler
{
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT topic, count(*) FILTER (WHERE status = 'pending'), min(first_failed_at) FILTER (WHERE status = 'pending')
            FROM dead_letters GROUP BY topic
            """);
        var now = time.GetUtcNow();
        var pending = new List<Measurement<long>>();
        var ages = new List<Measurement<double>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                KeyValuePair<string, object?>[] tags = [new("service", identity.ServiceName), new("topic", reader.GetString(0))];
                pending.Add(new(reader.GetInt64(1), tags));
                ages.Add(new(reader.IsDBNull(2) ? 0 : Math.Max(0, (now - reader.GetFieldValue<DateTimeOffset>(2)).TotalSeconds), tags));
            }
        }

        telemetry.DeadLettersPending.Set(pending);
        telemetry.DeadLettersOldestAge.Set(ages);
    }
}
