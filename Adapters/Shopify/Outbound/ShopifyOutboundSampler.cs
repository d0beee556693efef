using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Outbound;

/// <summary>
/// The outbound queue by kind (pending commands only: parked and failed ones wait for an operator and are on the
/// exceptions list). A pending command retried and waiting out its back-off means Shopify is failing us, so the
/// circuit gauge shows it as open even when the in-process breaker is closed again.
/// </summary>
public sealed class ShopifyOutboundSampler(NpgsqlDataSource database, OutboundAge outbound, AdapterMetrics metrics, IOptions<ShopifyOptions> options) : IGaugeSampler
{
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var partner = options.Value.PartnerId;
        await using var command = database.CreateCommand(
            """
            SELECT kind, count(*), min(COALESCE(changed_at, created_at)), bool_or(attempts > 0 AND next_attempt_at > now())
            FROM outbound_commands WHERE status = 'pending' GROUP BY kind
            """);
        var backlog = new List<OutboundBacklog>();
        var backingOff = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                backlog.Add(new OutboundBacklog(partner, ShopifyOptions.Channel, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
                backingOff |= reader.GetBoolean(3);
            }
        }

        await outbound.ReportAsync(backlog, cancellationToken);
        metrics.SetPaused(partner, ShopifyOptions.Channel, backingOff);
    }
}
