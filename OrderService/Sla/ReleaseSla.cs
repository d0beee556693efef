using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;
using Distribution.Aspire.ServiceDefaults.Sla;
using Npgsql;

namespace Distribution.Aspire.OrderService.Sla;

/// <summary>
/// Release latency: from the order's arrival (its stored <c>created_at</c>, not this process's clock) to its
/// acceptance. Recorded in the accepting transaction; a breach of the partner's SLA is stored there too, once
/// per order, so it commits (or rolls back) with the acceptance it is about.
/// </summary>
public static class ReleaseSla
{
    public static async Task RecordAsync(NpgsqlTransaction transaction, OrderHead head, DateTimeOffset acceptedAt, OrderTelemetry telemetry, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT created_at FROM orders WHERE order_id = @id", transaction.Connection, transaction);
        read.Parameters.AddWithValue("id", head.OrderId);
        var receivedAt = (DateTime)(await read.ExecuteScalarAsync(cancellationToken))!;
        var latency = acceptedAt - new DateTimeOffset(receivedAt, TimeSpan.Zero);
        telemetry.RecordRelease(head.PartnerId, head.Channel, latency);
        if (!telemetry.Sla.Check(head.PartnerId, head.Channel, SlaKind.ReleaseLatency, latency))
        {
            return;
        }

        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO order_sla_breaches (breach_id, order_id, partner_id, channel, channel_order_id, sla, measured_seconds, threshold_seconds, raised_at)
            VALUES (@breach, @order, @partner, @channel, @channel_order, @sla, @measured, @threshold, @at)
            ON CONFLICT ON CONSTRAINT order_sla_breaches_once DO NOTHING
            """,
            transaction.Connection,
            transaction);
        insert.Parameters.AddWithValue("breach", Guid.CreateVersion7(acceptedAt));
        insert.Parameters.AddWithValue("order", head.OrderId);
        insert.Parameters.AddWithValue("partner", head.PartnerId);
        insert.Parameters.AddWithValue("channel", head.Channel);
        insert.Parameters.AddWithValue("channel_order", head.ChannelOrderId);
        insert.Parameters.AddWithValue("sla", SlaKind.ReleaseLatency.Tag());
        insert.Parameters.AddWithValue("measured", latency.TotalSeconds);
        insert.Parameters.AddWithValue("threshold", telemetry.Sla.Threshold(head.PartnerId, SlaKind.ReleaseLatency).TotalSeconds);
        insert.Parameters.AddWithValue("at", acceptedAt);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
