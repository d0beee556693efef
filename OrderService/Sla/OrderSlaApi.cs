using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Distribution.Aspire.OrderService.Sla;

public static class OrderSlaApi
{
    private const int MaxLimit = 500;

    /// <summary>Operator list of SLA breaches, newest first (read by the operations console as an exception list).</summary>
    public static IEndpointRouteBuilder MapOrderSlaApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminGroup("/admin/orders").WithTags("Order SLA").MapGet("/sla-breaches", ListAsync);
        return endpoints;
    }

    public static async Task<Ok<SlaBreachList>> ListAsync(NpgsqlDataSource database, string? partnerId, int? limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT breach_id, order_id, partner_id, channel, channel_order_id, sla, measured_seconds, threshold_seconds, raised_at
            FROM order_sla_breaches WHERE (@partner::text IS NULL OR partner_id = @partner)
            ORDER BY raised_at DESC, breach_id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("partner", (object?)partnerId ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", Math.Clamp(limit ?? 100, 1, MaxLimit));
        var breaches = new List<SlaBreach>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            breaches.Add(new SlaBreach(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetDouble(6), reader.GetDouble(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return TypedResults.Ok(new SlaBreachList(breaches));
    }
}
