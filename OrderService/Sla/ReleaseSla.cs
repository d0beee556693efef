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
        var receivedAt = head.CreatedAt ?? await ReadCreatedAtAsync(transaction, head.OrderId, cancellationToken);
        var latency = acceptedAt - receivedAt;
        telemetry.RecordRelease(head.PartnerId, head.Channel, latency);
        if (telemetry.Sla.IsBreached(head.PartnerId, SlaKind.ReleaseLatency, latency))
        {
            var breach = telemetry.Sla.Breach(
                SlaKind.ReleaseLatency, head.OrderId.ToString(), head.PartnerId, head.Channel, latency, acceptedAt, head.OrderId, head.ChannelOrderId);
            if (await SlaBreachStore.RaiseAsync(transaction, breach, cancellationToken))
            {
                telemetry.Sla.Count(head.PartnerId, head.Channel, SlaKind.ReleaseLatency);
            }
        }
    }

    private static async Task<DateTimeOffset> ReadCreatedAtAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT created_at FROM orders WHERE order_id = @id", transaction.Connection, transaction);
        read.Parameters.AddWithValue("id", orderId);
        return new DateTimeOffset((DateTime)(await read.ExecuteScalarAsync(cancellationToken))!, TimeSpan.Zero);
    }
}
