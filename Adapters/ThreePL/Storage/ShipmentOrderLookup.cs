using System.Text.Json;
using Distribution.Aspire.Adapters.ThreePL.Inbound;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Storage;

/// <summary>Shipments we sent a partner, by the reference the partner echoes back.</summary>
public sealed class ShipmentOrderLookup(NpgsqlDataSource database) : IShipmentOrderLookup
{
    public async Task<ShipmentOrderInfo?> FindAsync(string partnerId, string orderReference, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT shipment_id, lines, status FROM shipment_orders WHERE partner_id = @partner AND order_reference = @reference");
        command.Parameters.AddWithValue("partner", partnerId);
        command.Parameters.AddWithValue("reference", orderReference);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var lines = JsonSerializer.Deserialize<List<OrderedLineInfo>>(reader.GetString(1), ThreePLJson.Options) ?? [];
        return new ShipmentOrderInfo(reader.GetGuid(0), partnerId, orderReference, lines, reader.GetString(2) == "cancelled");
    }
}
