using System.Globalization;
using Distribution.Aspire.ServiceDefaults.Security;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Queries;
using Distribution.Aspire.SettlementService.Reconciliation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.SettlementService.Api;

/// <summary>
/// Operators' settlement API under <c>/admin/settlements</c> (<c>X-Admin-Key</c>; through the gateway at
/// <c>/admin/settlementservice/settlements</c>): settlements, one with lines, results and journals, mismatches across
/// settlements, refused reports, and reconciling a settlement in mismatch again.
/// </summary>
public static class SettlementsAdminApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapSettlementsAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapAdminGroup("/admin/settlements").WithTags("Settlements").AddEndpointFilter<RejectionFilter>();
        group.MapGet("/", ListAsync).WithName("ListSettlements");
        group.MapGet("/mismatches", MismatchesAsync).WithName("ListSettlementMismatches");
        group.MapGet("/rejected", RejectedAsync).WithName("ListRejectedSettlementReports");
        group.MapGet("/rejected/{reportId}", RejectedReportAsync).WithName("GetRejectedSettlementReport");
        group.MapGet("/{settlementId}", GetAsync).WithName("GetSettlement");
        // A complex segment: the route value is what precedes the literal ":reconcile".
        group.MapPost("/{settlementId}:reconcile", ReconcileAsync).WithName("ReconcileSettlement");
        return endpoints;
    }

    /// <summary><c>GET /admin/settlements?channel=&amp;status=&amp;limit=</c>, newest first.</summary>
    public static async Task<Ok<SettlementListJson>> ListAsync(SettlementQueries queries, string? channel, string? status, string? limit, CancellationToken cancellationToken)
    {
        if (status is not null && !SettlementStatuses.All.Contains(status))
        {
            throw Invalid("status", $"status is one of {string.Join(", ", SettlementStatuses.All)}.");
        }

        return TypedResults.Ok(new SettlementListJson(await queries.ListAsync(Blank(channel), status, Limit(limit), cancellationToken)));
    }

    public static async Task<Ok<SettlementDetailView>> GetAsync(string settlementId, SettlementQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.GetAsync(Id(settlementId), cancellationToken) ?? throw NotFound(settlementId));

    /// <summary><c>GET /admin/settlements/mismatches?channel=&amp;result=&amp;open=true&amp;limit=</c>: results other than matched, newest first; <c>open</c> keeps only settlements still in mismatch.</summary>
    public static async Task<Ok<MismatchListJson>> MismatchesAsync(
        SettlementQueries queries, string? channel, string? result, string? open, string? limit, CancellationToken cancellationToken)
    {
        if (result is not null && (!ReconciliationResults.All.Contains(result) || result == ReconciliationResults.Matched))
        {
            throw Invalid("result", "result is one of amount_mismatch, missing_order, unexpected_charge, duplicate, unmapped_posting.");
        }

        var onlyOpen = false;
        if (!string.IsNullOrEmpty(open) && !bool.TryParse(open, out onlyOpen))
        {
            throw Invalid("open", "open must be true or false.");
        }

        return TypedResults.Ok(new MismatchListJson(await queries.MismatchesAsync(Blank(channel), result, onlyOpen, Limit(limit), cancellationToken)));
    }

    /// <summary><c>GET /admin/settlements/rejected?code=&amp;limit=</c>: refused reports with their line-numbered errors (bodies by id).</summary>
    public static async Task<Ok<RejectedListJson>> RejectedAsync(SettlementQueries queries, string? code, string? limit, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RejectedListJson(await queries.RejectedAsync(Blank(code), Limit(limit), cancellationToken)));

    public static async Task<Ok<RejectedReportView>> RejectedReportAsync(string reportId, SettlementQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(Guid.TryParse(reportId, out var id) && await queries.RejectedAsync(id, cancellationToken) is { } report
            ? report
            : throw new SettlementRejectedException(RejectionKind.NotFound, SettlementCodes.RejectedReportNotFound, $"No refused report {reportId}."));

    /// <summary><c>POST /admin/settlements/{id}:reconcile</c>: a settlement in mismatch, read again by today's rules and facts; 409 in any other status.</summary>
    public static async Task<Ok<SettlementDetailView>> ReconcileAsync(
        string settlementId, SettlementRetry retry, SettlementQueries queries, CancellationToken cancellationToken)
    {
        var id = Id(settlementId);
        await retry.RunAsync(id, cancellationToken);
        return TypedResults.Ok(await queries.GetAsync(id, cancellationToken) ?? throw NotFound(settlementId));
    }

    private static Guid Id(string settlementId) => Guid.TryParse(settlementId, out var id) ? id : throw NotFound(settlementId);

    private static int Limit(string? limit)
    {
        if (string.IsNullOrEmpty(limit))
        {
            return DefaultLimit;
        }

        return int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit
            ? value
            : throw Invalid("limit", $"limit is a whole number from 1 to {MaxLimit}.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static SettlementRejectedException Invalid(string field, string message) =>
        new(RejectionKind.Invalid, SettlementCodes.InvalidFilter, message, [new ReportError(null, field, message)]);

    private static SettlementRejectedException NotFound(string settlementId) =>
        new(RejectionKind.NotFound, SettlementCodes.SettlementNotFound, $"No settlement {settlementId}.");
}
