using System.Diagnostics.Metrics;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Sla;

/// <summary>
/// Open and overdue shipments per ordering partner, channel and node: requested, not cancelled, no shipped
/// milestone yet; overdue once older than the partner's ship SLA. Each newly overdue shipment goes on the SLA
/// breach list (once), so operators see it while there is still time to act, not only after it ships late.
/// </summary>
public sealed class OverdueShipmentSampler(NpgsqlDataSource database, FulfillmentTelemetry telemetry, SlaPolicy sla, TimeProvider time) : IGaugeSampler
{
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var partners = new List<string>();
        await using (var command = database.CreateCommand(
            "SELECT DISTINCT order_partner_id FROM shipments WHERE cancelled_at IS NULL AND progress IN ('requested', 'acknowledged', 'picked', 'packed')"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                partners.Add(reader.GetString(0));
            }
        }

        var now = time.GetUtcNow();
        var thresholds = partners.Select(p => sla.Threshold(p, SlaKind.Ship).TotalSeconds).ToArray();
        await RaiseNewlyOverdueAsync(partners, thresholds, now, cancellationToken);

        var open = new List<Measurement<long>>();
        var overdue = new List<Measurement<long>>();
        await using (var command = database.CreateCommand(
            """
            SELECT s.order_partner_id, s.channel, s.location_id, count(*),
                   count(*) FILTER (WHERE s.created_at < @now - make_interval(secs => t.seconds))
            FROM shipments s JOIN unnest(@partners::text[], @seconds::float8[]) AS t(partner_id, seconds) ON t.partner_id = s.order_partner_id
            WHERE s.cancelled_at IS NULL AND s.progress IN ('requested', 'acknowledged', 'picked', 'packed')
            GROUP BY 1, 2, 3
            """))
        {
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("partners", partners.ToArray());
            command.Parameters.AddWithValue("seconds", thresholds);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                KeyValuePair<string, object?>[] tags = [new("partner", reader.GetString(0)), new("channel", reader.GetString(1)), new("node", reader.GetString(2))];
                open.Add(new(reader.GetInt64(3), tags));
                overdue.Add(new(reader.GetInt64(4), tags));
            }
        }

        telemetry.OpenShipments.Set(open);
        telemetry.Overdue.Set(overdue);
    }

    private async Task RaiseNewlyOverdueAsync(List<string> partners, double[] thresholds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            INSERT INTO sla_breaches (breach_id, sla, subject, partner_id, channel, order_id, reference, measured_seconds, threshold_seconds, raised_at)
            SELECT gen_random_uuid(), @sla, s.shipment_id::text, s.order_partner_id, s.channel, s.order_id, s.channel_order_id,
                   extract(epoch FROM @now - s.created_at), t.seconds, @now
            FROM shipments s JOIN unnest(@partners::text[], @seconds::float8[]) AS t(partner_id, seconds) ON t.partner_id = s.order_partner_id
            WHERE s.cancelled_at IS NULL AND s.progress IN ('requested', 'acknowledged', 'picked', 'packed')
              AND s.created_at < @now - make_interval(secs => t.seconds)
            ON CONFLICT ON CONSTRAINT sla_breaches_once DO NOTHING
            RETURNING partner_id, channel
            """);
        command.Parameters.AddWithValue("sla", SlaKind.Ship.Tag());
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("partners", partners.ToArray());
        command.Parameters.AddWithValue("seconds", thresholds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sla.Count(reader.GetString(0), reader.GetString(1), SlaKind.Ship);
        }
    }
}
