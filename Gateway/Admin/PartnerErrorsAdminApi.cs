using Distribution.Aspire.Gateway.Audit;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Redis;
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

    public static async Task<Results<Ok<PartnerErrorReport>, ProblemHttpResult>> ReadAsync(int? minutes, PartnerErrorLog errors, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await errors.ReadAsync(minutes ?? PartnerErrorLog.WindowMinutes, cancellationToken));
        }
        catch (Exception ex) when (RedisDefaults.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Errors meanwhile are kept in memory and written when Redis is back.
            return GatewayProblems.Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.Unavailable,
                "Partners' recent errors are kept in Redis, which is not reachable; try again shortly.");
        }
    }
}
