using Distribution.Aspire.Adapters.ThreePL.Storage;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Security;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Api;

/// <summary>
/// Operators' view (X-Admin-Key): <c>GET /admin/3pl/quarantine</c> (newest first; filters partnerId, source,
/// before, limit), <c>GET /admin/3pl/quarantine/{id}</c> with the quarantined body, and
/// <c>GET /admin/3pl/outbound</c> (the outbound queue: status, attempts, last error; no bodies).
/// </summary>
public static class AdminApi
{
    public static WebApplication MapThreePLAdminApi(this WebApplication app)
    {
        var admin = app.MapAdminGroup("/admin/3pl");
        admin.MapGet("/quarantine", async (string? partnerId, string? source, long? before, int? limit, QuarantineStore store, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { items = await store.ListAsync(partnerId, source, before, Math.Clamp(limit ?? 50, 1, 500), cancellationToken) }));
        admin.MapGet("/quarantine/{id:long}", async Task<IResult> (long id, QuarantineStore store, CancellationToken cancellationToken) =>
            await store.GetAsync(id, cancellationToken) is { } found
                ? TypedResults.Ok(new { item = found.Item, body = found.Body })
                : TypedResults.Problem(statusCode: 404, title: "No such quarantine entry", extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = ProblemCodes.NotFound }));
        admin.MapGet("/outbound", async (string? status, int? limit, NpgsqlDataSource database, CancellationToken cancellationToken) =>
        {
            await using var command = database.CreateCommand(
                """
                SELECT message_id, partner_id, shipment_id, kind, format, status, attempts, last_error, interchange_control, created_at, sent_at
                FROM outbound_messages WHERE (@status::text IS NULL OR status = @status) ORDER BY message_id DESC LIMIT @limit
                """);
            command.Parameters.AddWithValue("status", (object?)status ?? DBNull.Value);
            command.Parameters.AddWithValue("limit", Math.Clamp(limit ?? 50, 1, 500));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var items = new List<OutboundItem>();
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new OutboundItem(reader.GetInt64(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
            }

            return TypedResults.Ok(new { items });
        });
        return app;
    }
}

public sealed record OutboundItem(
    long MessageId, string PartnerId, Guid ShipmentId, string Kind, string Format, string Status, int Attempts, string? LastError,
    string? InterchangeControl, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);
