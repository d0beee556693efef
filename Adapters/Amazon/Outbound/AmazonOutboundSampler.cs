using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Amazon.Outbound;

/// <summary>
/// The two outbound queues (quantities, shipment confirmations): pending rows, the oldest waiting since its change
/// (quantities) or its shipment (confirmations). Rows waiting out a back-off after failed sends mean Amazon is
/// failing us, so the circuit gauge shows the adapter paused even while the in-process breaker is closed.
/// </summary>
public sealed class AmazonOutboundSampler(NpgsqlDataSource database, OutboundAge outbound, AdapterMetrics metrics, IOptions<AmazonOptions> options) : IGaugeSampler
{
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var partner = options.Value.PartnerId;
        await using var command = database.CreateCommand(
            """
            SELECT 'quantity', count(*), min(COALESCE(changed_at, as_of)), COALESCE(bool_or(last_error IS NOT NULL AND next_attempt_at > now()), false)
            FROM quantity_updates WHERE pending
            UNION ALL
            SELECT 'shipment_confirmation', count(*), min(shipped_at), COALESCE(bool_or(last_error IS NOT NULL AND next_attempt_at > now()), false)
            FROM shipment_confirmations WHERE pending
            """);
        var backlog = new List<OutboundBacklog>();
        var paused = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                backlog.Add(new OutboundBacklog(partner, AmazonOptions.Channel, reader.GetString(0), reader.GetInt64(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
                paused |= reader.GetBoolean(3);
            }
        }

        await outbound.ReportAsync(backlog, cancellationToken);
        metrics.SetPaused(partner, AmazonOptions.Channel, paused);
    }
}
