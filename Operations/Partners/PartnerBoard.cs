using System.Text.Json;
using System.Text.Json.Nodes;
using Distribution.Aspire.Operations.Exceptions;
using Distribution.Aspire.Operations.Gateway;

namespace Distribution.Aspire.Operations.Partners;

public sealed record PartnerBoardView(
    IReadOnlyList<PartnerRow> Partners, string? Failure, string? ErrorsFailure, IReadOnlyList<SourceFailure> ExceptionsUnreachable);

/// <summary>
/// The partner registry (<c>GET /admin/partners</c>), each partner's error answers of the last hour
/// (<c>GET /admin/partner-errors</c>) and the open exceptions that name it, with its SLA state.
/// </summary>
public sealed class PartnerBoard(GatewayAdminClient gateway, ExceptionBoard exceptions, SlaPolicy sla, TimeProvider time, OperationsTelemetry telemetry)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<PartnerBoardView> CollectAsync(CancellationToken cancellationToken)
    {
        using var activity = telemetry.StartRead("partners");
        var partnersRead = gateway.GetAsync("/admin/partners", cancellationToken);
        var errorsRead = gateway.GetAsync("/admin/partner-errors?minutes=60", cancellationToken);
        var exceptionsRead = exceptions.CollectAsync(cancellationToken);
        await Task.WhenAll(partnersRead, errorsRead, exceptionsRead);
        var (partners, errors, board) = (await partnersRead, await errorsRead, await exceptionsRead);
        if (!partners.Succeeded)
        {
            return new PartnerBoardView([], partners.Failure, null, board.Unreachable);
        }

        var errorsByPartner = errors.Succeeded
            ? (errors.Body?["partners"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(p => (Id: p.Text("partnerId"), Errors: Errors(p))).Where(p => p.Id is not null).ToDictionary(p => p.Id!, p => p.Errors, StringComparer.Ordinal)
            : [];
        var now = time.GetUtcNow();
        var rows = (partners.Body as JsonArray ?? []).OfType<JsonObject>().Select(partner =>
        {
            var view = partner.Deserialize<PartnerJson>(Json)!;
            var partnerErrors = errorsByPartner.GetValueOrDefault(view.PartnerId, PartnerErrors.None);
            var open = board.Items.Where(e => e.PartnerId == view.PartnerId).ToList();
            DateTimeOffset? oldest = open.Count == 0 ? null : open.Min(e => e.RaisedAt);
            return new PartnerRow(
                view.PartnerId, view.Kind, view.Channel, view.Status, view.Scopes ?? [], view.RateLimit?.PerSecond ?? 0, view.RateLimit?.Burst ?? 0,
                view.DailyQuota, view.ShopDomain, view.Keys?.Count(k => k.RevokedAt is null) ?? 0, partnerErrors, open.Count, oldest,
                sla.Evaluate(view.PartnerId, partnerErrors.Total, open.Count, oldest is null ? null : now - oldest.Value));
        }).OrderBy(r => r.Sla.State == "breached" ? 0 : 1).ThenBy(r => r.PartnerId, StringComparer.Ordinal).ToList();
        activity?.SetTag("operations.partners", rows.Count);
        return new PartnerBoardView(rows, null, errors.Failure, board.Unreachable);
    }

    private static PartnerErrors Errors(JsonObject summary)
    {
        var byStatus = (summary["byStatus"] as JsonObject ?? []).ToDictionary(
            entry => entry.Key, entry => long.TryParse(entry.Value?.ToJsonString(), out var count) ? count : 0, StringComparer.Ordinal);
        var recent = (summary["recent"] as JsonArray ?? []).OfType<JsonObject>().Select(sample => sample.Deserialize<ErrorSample>(Json)!).ToList();
        return new PartnerErrors(long.TryParse(summary.Text("errors"), out var total) ? total : byStatus.Values.Sum(), byStatus, recent);
    }

    private sealed record PartnerJson(
        string PartnerId, string Kind, string Channel, string Status, string[]? Scopes, RateLimitJson? RateLimit, int? DailyQuota, string? ShopDomain, KeyJson[]? Keys);

    private sealed record RateLimitJson(int PerSecond, int Burst);

    private sealed record KeyJson(string KeyId, DateTimeOffset? RevokedAt);
}
