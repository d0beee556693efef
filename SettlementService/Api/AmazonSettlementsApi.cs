using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Partners;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Ingest;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.SettlementService.Api;

/// <summary>
/// <c>POST /partners/amazon/settlements</c>: the V2 settlement flat file as the body, forwarded by the gateway with the
/// Amazon partner's identity. Answers 201 with the reconciliation for a new settlement, 200 with the stored one for a
/// re-sent report (nothing changes), 400 <c>invalid_settlement_report</c> listing the file lines at fault (the report is
/// kept for operators, nothing else is stored), 409 for different content under a stored settlement id, 413 over the
/// size limit.
/// </summary>
public static class AmazonSettlementsApi
{
    public const string Path = "/partners/amazon/settlements";

    public static IEndpointRouteBuilder MapAmazonSettlementsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, IngestAsync).WithName("IngestAmazonSettlement").WithTags("Settlements").DisableAntiforgery();
        return endpoints;
    }

    public static async Task<Results<Created<IngestJson>, Ok<IngestJson>, ProblemHttpResult>> IngestAsync(
        HttpContext http, SettlementIngestion ingestion, RejectedReports rejected, IOptions<SettlementOptions> options, SettlementTelemetry telemetry,
        CancellationToken cancellationToken)
    {
        using var activity = telemetry.Start("receive", AmazonSettlementReport.Channel);
        if (!PartnerIdentity.TryGet(http, out var partner))
        {
            return SettlementProblems.Problem(StatusCodes.Status401Unauthorized, "Partner not identified", ProblemCodes.Unauthorized,
                "Settlement reports come through the gateway, which identifies the partner.");
        }

        if (!string.Equals(partner.Channel, AmazonSettlementReport.Channel, StringComparison.Ordinal))
        {
            return SettlementProblems.Problem(StatusCodes.Status403Forbidden, "Not allowed for this partner", SettlementCodes.ChannelNotAllowed,
                "Only an Amazon partner sends Amazon settlement reports.");
        }

        var settings = options.Value;
        var (body, total) = await ReadBodyAsync(http, settings.MaxReportBytes, settings.MaxStoredRejectedBytes, cancellationToken);
        if (total > settings.MaxReportBytes)
        {
            var error = new ReportError(null, null, $"The report is {total}+ bytes; the limit is {settings.MaxReportBytes}.");
            await rejected.StoreAsync(partner.Channel, partner.PartnerId, ProblemCodes.PayloadTooLarge, [error], body, total, cancellationToken);
            return SettlementProblems.Problem(StatusCodes.Status413PayloadTooLarge, "Report too large", ProblemCodes.PayloadTooLarge, error.Message);
        }

        CanonicalSettlement settlement;
        using (var parse = telemetry.Start("parse", AmazonSettlementReport.Channel))
        {
            try
            {
                settlement = AmazonSettlementReport.Parse(body.Span, partner.PartnerId, settings.MaxReportLines);
                parse?.SetTag("settlement.lines", settlement.Lines.Count);
            }
            catch (SettlementRejectedException invalid)
            {
                parse?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, invalid.Code);
                await rejected.StoreAsync(partner.Channel, partner.PartnerId, invalid.Code, invalid.Errors, body, total, cancellationToken);
                return SettlementProblems.From(invalid);
            }
        }

        try
        {
            var result = await ingestion.IngestAsync(settlement, body.ToArray(), cancellationToken);
            var json = IngestJson.From(result);
            return result.Duplicate ? TypedResults.Ok(json) : TypedResults.Created($"/admin/settlements/{result.SettlementId}", json);
        }
        catch (SettlementRejectedException conflict)
        {
            await rejected.StoreAsync(partner.Channel, partner.PartnerId, conflict.Code, [new ReportError(null, "settlement-id", conflict.Message)], body, total, cancellationToken);
            return SettlementProblems.From(conflict);
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes (one more tells an oversized body); beyond it only a prefix is kept, for the operators.</summary>
    private static async Task<(ReadOnlyMemory<byte> Body, long Total)> ReadBodyAsync(HttpContext http, long limit, int keep, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size && (size.MaxRequestBodySize is null || size.MaxRequestBodySize < limit + 1))
        {
            size.MaxRequestBodySize = limit + 1;
        }

        if (http.Request.ContentLength is { } declared && declared > limit)
        {
            return (ReadOnlyMemory<byte>.Empty, declared);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        try
        {
            while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    var kept = buffer.ToArray();
                    return (kept.AsMemory(0, Math.Min(kept.Length, keep)), total);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (buffer.ToArray().AsMemory(0, (int)Math.Min(buffer.Length, keep)), limit + 1);
        }

        return (buffer.ToArray(), total);
    }
}
