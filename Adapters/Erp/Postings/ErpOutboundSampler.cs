using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Npgsql;

namespace Distribution.Aspire.Adapters.Erp.Postings;

/// <summary>
/// The posting queue in the shared adapter shape (partner and channel <c>erp</c>, kind = document type), next to
/// the ERP's own <c>erp.queue.*</c> gauges; postings waiting out a back-off show the ERP paused.
/// </summary>
public sealed class ErpOutboundSampler(NpgsqlDataSource database, OutboundAge outbound, AdapterMetrics metrics) : IGaugeSampler
{
    public const string Partner = "erp";

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT document_type, count(*), min(created_at), bool_or(attempts > 0 AND next_attempt_at > now())
            FROM postings WHERE status = 'pending' GROUP BY document_type
            """);
        var backlog = new List<OutboundBacklog>();
        var paused = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                backlog.Add(new OutboundBacklog(Partner, Partner, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
                paused |= reader.GetBoolean(3);
            }
        }

        await outbound.ReportAsync(backlog, cancellationToken);
        metrics.SetPaused(Partner, Partner, paused);
    }
}
