using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.FulfillmentService.Domain;
using Npgsql;

namespace Distribution.Aspire.FulfillmentService.Shipments;

public sealed record ShipmentFilter(Guid? OrderId, string? LocationId, IReadOnlyList<Milestone> Milestones, int PageSize, string? PageToken);

public sealed record ShipmentPage(IReadOnlyList<Shipment> Shipments, string? NextPageToken);

/// <summary>Reads whole shipments (lines, packages, history) for a set of ids in one round trip.</summary>
public sealed class ShipmentReader(NpgsqlDataSource database, FulfillmentTelemetry telemetry)
{
    private const string TokenKind = "s1";

    public async Task<Shipment> GetAsync(Guid shipmentId, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("query.get");
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, shipmentId, cancellationToken)
            ?? throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ShipmentNotFound, $"No shipment {shipmentId}.");
    }

    public static async Task<Shipment?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid shipmentId, CancellationToken cancellationToken) =>
        (await LoadAsync(connection, transaction, [shipmentId], cancellationToken)).SingleOrDefault();

    /// <summary>Shipments in (created_at, shipment_id) order, oldest first: an order's shipments read in the order they were requested.</summary>
    public async Task<ShipmentPage> ListAsync(ShipmentFilter filter, CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("query.list");
        var pageSize = PageToken.PageSize(filter.PageSize);
        (DateTimeOffset CreatedAt, Guid Id)? after = null;
        if (!string.IsNullOrEmpty(filter.PageToken))
        {
            var parts = PageToken.Decode(TokenKind, filter.PageToken, 2);
            if (!long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[1], "N", out var id))
            {
                throw PageToken.Invalid();
            }

            after = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT shipment_id, created_at FROM shipments
            WHERE (@order::uuid IS NULL OR order_id = @order)
              AND (@location::text IS NULL OR location_id = @location)
              AND (cardinality(@milestones::text[]) = 0 OR milestone = ANY(@milestones))
              AND (@after_at::timestamptz IS NULL OR (created_at, shipment_id) > (@after_at, @after_id))
            ORDER BY created_at, shipment_id
            LIMIT @limit
            """,
            connection);
        command.Parameters.AddWithValue("order", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)filter.OrderId ?? DBNull.Value);
        command.Parameters.AddWithValue("location", NpgsqlTypes.NpgsqlDbType.Text, (object?)filter.LocationId ?? DBNull.Value);
        command.Parameters.AddWithValue("milestones", filter.Milestones.Select(m => m.ToWire()).ToArray());
        command.Parameters.AddWithValue("after_at", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)after?.CreatedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("after_id", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)after?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", pageSize + 1);

        var keys = new List<(Guid Id, DateTimeOffset CreatedAt)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        string? next = null;
        if (keys.Count > pageSize)
        {
            keys.RemoveAt(pageSize);
            var last = keys[^1];
            next = PageToken.Encode(TokenKind, last.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), last.Id.ToString("N"));
        }

        return new ShipmentPage(await LoadAsync(connection, null, keys.Select(k => k.Id).ToArray(), cancellationToken), next);
    }

    /// <summary>The shipments with these ids, in the order given.</summary>
    public static async Task<List<Shipment>> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var idArray = ids.ToArray();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new("SELECT shipment_id, order_id, location_id, node_kind, node_partner_id, channel, milestone, created_at, updated_at FROM shipments WHERE shipment_id = ANY($1)")
                {
                    Parameters = { new() { Value = idArray } },
                },
                new("SELECT shipment_id, line_id, sku, quantity, shipped_quantity FROM shipment_lines WHERE shipment_id = ANY($1) ORDER BY shipment_id, line_number")
                {
                    Parameters = { new() { Value = idArray } },
                },
                new("SELECT shipment_id, carrier, tracking_number, lines FROM packages WHERE shipment_id = ANY($1) ORDER BY package_id")
                {
                    Parameters = { new() { Value = idArray } },
                },
                new("SELECT shipment_id, milestone, occurred_at, recorded_at, source, detail, applied FROM shipment_milestones WHERE shipment_id = ANY($1) ORDER BY entry_id")
                {
                    Parameters = { new() { Value = idArray } },
                },
            },
        };

        var heads = new Dictionary<Guid, (Guid OrderId, string Location, string Kind, string? Partner, string Channel, Milestone Milestone, DateTimeOffset Created, DateTimeOffset Updated)>();
        var lines = new Dictionary<Guid, List<ShipmentLine>>();
        var packages = new Dictionary<Guid, List<ShipmentPackage>>();
        var history = new Dictionary<Guid, List<MilestoneEntry>>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads[reader.GetGuid(0)] = (
                    reader.GetGuid(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetString(5),
                    Milestones.Parse(reader.GetString(6)),
                    reader.GetFieldValue<DateTimeOffset>(7),
                    reader.GetFieldValue<DateTimeOffset>(8));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                For(lines, reader.GetGuid(0)).Add(new ShipmentLine(reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var packageLines = JsonSerializer.Deserialize<List<PackageLine>>(reader.GetString(3), PackageJson.Options) ?? [];
                For(packages, reader.GetGuid(0)).Add(new ShipmentPackage(reader.GetString(1), reader.GetString(2), packageLines));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                For(history, reader.GetGuid(0)).Add(new MilestoneEntry(
                    Milestones.Parse(reader.GetString(1)),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetBoolean(6)));
            }
        }

        var result = new List<Shipment>(ids.Count);
        foreach (var id in ids)
        {
            if (heads.TryGetValue(id, out var head))
            {
                result.Add(new Shipment(
                    id,
                    head.OrderId,
                    head.Location,
                    head.Kind,
                    head.Partner,
                    head.Channel,
                    lines.GetValueOrDefault(id) ?? [],
                    packages.GetValueOrDefault(id) ?? [],
                    head.Milestone,
                    history.GetValueOrDefault(id) ?? [],
                    head.Created,
                    head.Updated));
            }
        }

        return result;
    }

    private static List<T> For<T>(Dictionary<Guid, List<T>> map, Guid id)
    {
        if (!map.TryGetValue(id, out var list))
        {
            list = [];
            map[id] = list;
        }

        return list;
    }
}
