using Distribution.Aspire.Gateway.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.Gateway.Admin;

/// <summary>
/// <c>GET /admin/partner-errors?minutes=</c> (1–60, default 60): every partner that got error answers (4xx/5xx) in
/// the window, with counts by status and its newest samples, most errors first; for the operations console.
/// </summary>
public static class PartnerErrorsAdminApi
{
    public static IEndpointRouteBuilder MapPartnerErrorsAdminApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGatewayAdminGroup().WithTags("Partners").MapGet("/partner-errors", ReadAsync).WithName("ListPartnerErrors");
        return endpoints;
    }

    public static async Task<Ok<PartnerErrorReport>> ReadAsync(int? minutes, PartnerErrorLog errors, CancellationToken cancellationToken) =>
        TypedResults.Ok(await errors.ReadAsync(minutes ?? PartnerErrorLog.WindowMinutes, cancellationToken));
}
