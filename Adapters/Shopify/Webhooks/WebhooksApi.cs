using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Distribution.Aspire.Adapters.Shopify.Webhooks;

public static class WebhooksApi
{
    public const string Path = "/partners/shopify/webhooks";

    /// <summary><c>POST /partners/shopify/webhooks</c>, reached through the gateway, which has verified the HMAC.</summary>
    public static IEndpointRouteBuilder MapShopifyWebhooksApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync).WithTags("Shopify webhooks");
        return endpoints;
    }

    public static async Task<Results<Ok<WebhookAck>, ProblemHttpResult>> ReceiveAsync(
        HttpContext context, WebhookIntake intake, ILogger<WebhookIntake> logger, CancellationToken cancellationToken)
    {
        try
        {
            return await intake.ReceiveAsync(context, cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            // Not stored, so not acknowledged: Shopify delivers again later.
            logger.LogError(ex, "Could not store a Shopify webhook delivery");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Webhook not stored",
                detail: "The delivery could not be stored; send it again later.",
                extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = ProblemCodes.Unavailable });
        }
    }
}
