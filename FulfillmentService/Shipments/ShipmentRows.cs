using Distribution.Aspire.FulfillmentService.Domain;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Shipments;

/// <summary>Row-level statements every shipment step shares, all in the caller's transaction.</summary>
public static class ShipmentRows
{
    private const string HeadColumns =
        "shipment_id, order_id, channel, location_id, node_kind, node_partner_id, progress, cancelled_at IS NOT NULL, priority, order_total, order_created_at";

    /// <summary>The shipment row, locked for the rest of the transaction, or null when there is none.</summary>
    public static async Task<ShipmentHead?> LockAsync(NpgsqlTransaction transaction, Guid shipmentId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {HeadColumns} FROM shipments WHERE shipment_id = @id FOR UPDATE", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", shipmentId);
        var heads = await ReadHeadsAsync(command, cancellationToken);
        return heads.Count == 0 ? null : heads[0];
    }

    /// <summary>Every shipment of an order, locked, in the order they were created.</summary>
    public static async Task<List<ShipmentHead>> LockByOrderAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {HeadColumns} FROM shipments WHERE order_id = @id ORDER BY created_at, shipment_id FOR UPDATE", transaction.Connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        return await ReadHeadsAsync(command, cancellationToken);
    }

    /// <summary>
    /// Serializes everything about one order in this service (its shipment requests, its cancellation, its
    /// returns) for the rest of the transaction, including the moment before any shipment row exists.
    /// </summary>
    public static async Task LockOrderAsync(NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", transaction.Connection, transaction);
        command.Parameters.AddWithValue("key", $"fulfillment-order:{orderId:N}");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static NpgsqlBatchCommand HistoryCommand(
        Guid shipmentId, Milestone milestone, DateTimeOffset occurredAt, DateTimeOffset recordedAt, string source, string? detail, bool applied, string? partnerEventId = null) =>
        new("""
            INSERT INTO shipment_milestones (shipment_id, milestone, occurred_at, recorded_at, source, detail, applied, partner_event_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """)
        {
            Parameters =
            {
                new() { Value = shipmentId },
                new() { Value = milestone.ToWire() },
                new() { Value = occurredAt },
                new() { Value = recordedAt },
                new() { Value = source },
                new() { Value = (object?)detail ?? DBNull.Value },
                new() { Value = applied },
                new() { Value = (object?)partnerEventId ?? DBNull.Value },
            },
        };

    /// <summary>Moves progress forward; the caller has checked that <paramref name="to"/> is later than the current progress.</summary>
    public static NpgsqlBatchCommand ProgressCommand(Guid shipmentId, Milestone to, DateTimeOffset occurredAt, DateTimeOffset now) =>
        new("UPDATE shipments SET progress = $1, progress_at = $2, updated_at = $3 WHERE shipment_id = $4")
        {
            Parameters = { new() { Value = to.ToWire() }, new() { Value = occurredAt }, new() { Value = now }, new() { Value = shipmentId } },
        };

    public static NpgsqlBatchCommand TouchCommand(Guid shipmentId, DateTimeOffset now) =>
        new("UPDATE shipments SET updated_at = $1 WHERE shipment_id = $2")
        {
            Parameters = { new() { Value = now }, new() { Value = shipmentId } },
        };

    public static async Task ExecuteAsync(NpgsqlTransaction transaction, IEnumerable<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<ShipmentHead>> ReadHeadsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var heads = new List<ShipmentHead>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heads.Add(new ShipmentHead(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Milestones.Parse(reader.GetString(6)),
                reader.GetBoolean(7),
                reader.GetInt32(8),
                reader.GetDecimal(9),
                reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return heads;
    }
}
