using Distribution.Aspire.ServiceDefaults.Security;

namespace Distribution.Aspire.Adapters.Amazon.Exceptions;

public static class ExceptionsApi
{
    /// <summary><c>GET /admin/amazon/exceptions?code=&amp;source=&amp;limit=</c>: newest first, operators only.</summary>
    public static IEndpointRouteBuilder MapAmazonExceptionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminGroup("/admin/amazon").MapGet("/exceptions", async (ExceptionStore store, string? code, string? source, int? limit, CancellationToken cancellationToken) =>
            TypedResults.Ok(new ExceptionList(await store.ListAsync(code, source, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken))));
        return endpoints;
    }
}

public sealed record ExceptionList(IReadOnlyList<AmazonException> Items);
