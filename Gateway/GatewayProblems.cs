using Distribution.Aspire.Gateway.Routing;
using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.Gateway;

/// <summary>The gateway's own problem codes (beside ServiceDefaults' <see cref="ProblemCodes"/>) and how it writes them.</summary>
public static class GatewayProblems
{
    public const string PartnerSuspended = "partner_suspended";
    public const string ScopeNotGranted = "scope_not_granted";
    public const string QuotaExceeded = "quota_exceeded";
    public const string UpstreamUnavailable = "upstream_unavailable";
    public const string PartnerExists = "partner_exists";
    public const string ShopDomainTaken = "shop_domain_taken";
    public const string KeyLimitReached = "key_limit_reached";
    public const string SecretsKeyMissing = "secrets_key_missing";
    public const string WebhookSecretUnreadable = "webhook_secret_unreadable";

    public static ProblemHttpResult Problem(int status, string code, string? detail, string? title = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });

    public static Task WriteAsync(HttpContext context, int status, string code, string title, string? detail = null)
    {
        if (context.Features.Get<GatewayRequestFeature>() is { } request)
        {
            request.RefusalCode = code;
        }

        return Problem(status, code, detail, title).ExecuteAsync(context);
    }
}
