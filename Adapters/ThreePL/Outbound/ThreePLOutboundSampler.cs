using Distribution.Aspire.ServiceDefaults.Sla;
using Distribution.Aspire.ServiceDefaults.Telemetry;
using Npgsql;

namespace Distribution.Aspire.Adapters.ThreePL.Outbound;

/// <summary>
/// The outbound queue per 3PL and kind (order, cancel): pending messages and the oldest. A partner whose pending
/// messages wait out a back-off after failed sends is shown paused (circuit open) even when the breaker of its host
/// has closed again.
/// </summary>
public sealed class ThreePLOutboundSampler(NpgsqlDataSource database, OutboundAge outbound, AdapterMetrics metrics) : IGaugeSampler
{
    public const string Channel = "3pl";

    /// <summary>The partner whose EDI or orders endpoint is on the request's host (the breaker is per host).</summary>
    public static string? PartnerOf(IReadOnlyDictionary<string, PartnerProfile> partners, Uri? request) =>
        request is null
            ? null
            : partners.FirstOrDefault(p => SameHost(p.Value.EdiUrl, request) || SameHost(p.Value.OrdersUrl, request)).Key ?? request.Authority;

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            """
            SELECT partner_id, kind, count(*), min(created_at), bool_or(attempts > 0 AND next_attempt_at > now())
            FROM outbound_messages WHERE status = 'pending' GROUP BY partner_id, kind
            """);
        var backlog = new List<OutboundBacklog>();
        var paused = new Dictionary<string, bool>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var partner = reader.GetString(0);
                backlog.Add(new OutboundBacklog(partner, Channel, reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
                paused[partner] = paused.GetValueOrDefault(partner) || reader.GetBoolean(4);
            }
        }

        await outbound.ReportAsync(backlog, cancellationToken);
        foreach (var (partner, isPaused) in paused)
        {
            metrics.SetPaused(partner, Channel, isPaused);
        }
    }

    private static bool SameHost(string? url, Uri request) =>
        Uri.TryCreate(url, UriKind.Absolute, out var endpoint) && string.Equals(endpoint.Authority, request.Authority, StringComparison.OrdinalIgnoreCase);
}
