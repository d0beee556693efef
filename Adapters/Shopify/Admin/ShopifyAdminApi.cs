using Distribution.Aspire.Adapters.Shopify.Exceptions;
using Distribution.Aspire.Adapters.Shopify.Outbound;
using Distribution.Aspire.Adapters.Shopify.SkuMapping;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.Adapters.Shopify.Admin;

public sealed record SkuMapRequest(long? InventoryItemId, long? LocationId, long? VariantId);

public static class ShopifyAdminApi
{
    /// <summary>
    /// Operator API under <c>/admin/shopify</c> (X-Admin-Key): the exceptions list (inspect, retry, resolve), the SKU
    /// map (list, set, remove, sync from the shop) and the outbound queue's depth.
    /// </summary>
    public static IEndpointRouteBuilder MapShopifyAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapAdminGroup("/admin/shopify").WithTags("Shopify operators");
        group.MapGet("/exceptions", ListExceptionsAsync);
        group.MapGet("/exceptions/{id:guid}", GetExceptionAsync);
        group.MapPost("/exceptions/{id:guid}:retry", RetryExceptionAsync);
        group.MapPost("/exceptions/{id:guid}:resolve", ResolveExceptionAsync);
        group.MapGet("/sku-map", ListSkuMapAsync);
        group.MapPut("/sku-map/{sku}", PutSkuMapAsync);
        group.MapDelete("/sku-map/{sku}", DeleteSkuMapAsync);
        group.MapPost("/sku-map:sync", SyncSkuMapAsync);
        group.MapGet("/outbound", OutboundAsync);
        return endpoints;
    }

    public static async Task<Results<Ok<IReadOnlyList<ShopifyException>>, ProblemHttpResult>> ListExceptionsAsync(
        ExceptionStore store, string? status, string? stage, string? code, int? limit, CancellationToken cancellationToken)
    {
        if (status is not (null or "open" or "retried" or "resolved" or "all"))
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed, "status must be open, retried, resolved or all.");
        }

        var items = await store.ListAsync(status is "all" ? null : status ?? "open", stage, code, limit ?? 100, cancellationToken);
        return TypedResults.Ok(items);
    }

    public static async Task<Results<Ok<ShopifyException>, ProblemHttpResult>> GetExceptionAsync(Guid id, ExceptionStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } item ? TypedResults.Ok(item) : NotFound($"No exception {id}.");

    public static async Task<Results<Accepted, ProblemHttpResult>> RetryExceptionAsync(
        Guid id, ExceptionStore store, WebhookSignal webhooks, OutboundSignal outbound, CancellationToken cancellationToken)
    {
        switch (await store.RetryAsync(id, cancellationToken))
        {
            case RetryResult.Retried:
                webhooks.Notify();
                outbound.Notify();
                return TypedResults.Accepted((string?)null);
            case RetryResult.NotRetryable:
                return Problem(StatusCodes.Status409Conflict, "exception_not_retryable",
                    "Only open exceptions of a stored delivery or an outbound command can be retried; a refused request was never stored.");
            default:
                return NotFound($"No exception {id}.");
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ResolveExceptionAsync(Guid id, ExceptionStore store, CancellationToken cancellationToken)
    {
        if (await store.ResolveAsync(id, cancellationToken))
        {
            return TypedResults.NoContent();
        }

        return await store.GetAsync(id, cancellationToken) is null
            ? NotFound($"No exception {id}.")
            : Problem(StatusCodes.Status409Conflict, "exception_not_open", "Only open exceptions can be resolved.");
    }

    public static async Task<Ok<IReadOnlyList<SkuMapEntry>>> ListSkuMapAsync(SkuMapStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    public static async Task<Results<Ok<SkuMapEntry>, ProblemHttpResult>> PutSkuMapAsync(
        string sku, SkuMapRequest? request, SkuMapStore store, Microsoft.Extensions.Options.IOptions<ShopifyOptions> options, CancellationToken cancellationToken)
    {
        var location = request?.LocationId ?? options.Value.DefaultLocationId;
        if (sku.Length is 0 or > 64 || request?.InventoryItemId is not > 0 || location is not > 0 || request.VariantId is <= 0)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed,
                "Send {\"inventoryItemId\", \"locationId\"?, \"variantId\"?} with positive ids (locationId defaults to Shopify:DefaultLocationId) for a SKU of 1-64 characters.");
        }

        if (!await store.UpsertAsync(sku, request.InventoryItemId.Value, location.Value, request.VariantId, "admin", cancellationToken))
        {
            return Problem(StatusCodes.Status409Conflict, ProblemCodes.Conflict, "Another operator entry already maps that inventory item or variant.");
        }

        return TypedResults.Ok((await store.FindAsync(sku, cancellationToken))!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteSkuMapAsync(string sku, SkuMapStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(sku, cancellationToken) ? TypedResults.NoContent() : NotFound($"SKU {sku} is not mapped.");

    public static async Task<Results<Ok<SkuMapSyncResult>, ProblemHttpResult>> SyncSkuMapAsync(SkuMapSync sync, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await sync.RunAsync(cancellationToken));
        }
        catch (ShopifyApiException ex)
        {
            return Problem(StatusCodes.Status502BadGateway, "shopify_unavailable", ex.Message);
        }
    }

    public static async Task<Ok<IReadOnlyList<OutboundSummary>>> OutboundAsync(OutboundQueue queue, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queue.SummarizeAsync(cancellationToken));

    private static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, detail);

    private static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
}
