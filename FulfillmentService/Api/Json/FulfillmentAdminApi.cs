using System.Globalization;
using System.Text.Json;
using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.FulfillmentService.Exceptions;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.FulfillmentService.Api.Json;

/// <summary>The operators' exception list (<c>X-Admin-Key</c>): what needs attention, most important first, with SLA timers.</summary>
public static class FulfillmentAdminApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapFulfillmentAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapAdminGroup("/admin/fulfillment").WithTags("Fulfillment").AddEndpointFilter<ProblemEndpointFilter>();
        group.MapGet("/exceptions", ListAsync).WithName("ListFulfillmentExceptions");
        // A complex segment: the route value is what precedes the literal ":resolve".
        group.MapPost("/exceptions/{exceptionId}:resolve", ResolveAsync).WithName("ResolveFulfillmentException");
        return endpoints;
    }

    /// <summary><c>GET /admin/fulfillment/exceptions?includeResolved=&amp;pageSize=&amp;pageToken=</c>.</summary>
    public static async Task<Ok<ExceptionListJson>> ListAsync(
        ExceptionDesk desk, TimeProvider time, string? includeResolved, string? pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        var resolved = false;
        if (!string.IsNullOrEmpty(includeResolved) && !bool.TryParse(includeResolved, out resolved))
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidFilter, "includeResolved must be true or false.", "includeResolved");
        }

        var size = 0;
        if (!string.IsNullOrEmpty(pageSize) && !int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size))
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.InvalidFilter, "pageSize must be a whole number.", "pageSize");
        }

        var page = await desk.ListAsync(resolved, size, pageToken, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new ExceptionListJson(page.Exceptions.Select(issue => ExceptionJson.From(issue, now)).ToList(), page.NextPageToken));
    }

    /// <summary><c>POST /admin/fulfillment/exceptions/{id}:resolve</c> with <c>{"resolution": "..."}</c>.</summary>
    public static async Task<Ok<ExceptionJson>> ResolveAsync(
        string exceptionId, HttpRequest request, ExceptionDesk desk, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(exceptionId, out var id))
        {
            throw FulfillmentRejectedException.NotFound(FulfillmentCodes.ExceptionNotFound, $"No exception {exceptionId}.");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        var issue = await desk.ResolveAsync(id, body.Resolution, cancellationToken);
        return TypedResults.Ok(ExceptionJson.From(issue, time.GetUtcNow()));
    }

    private static async Task<ResolveExceptionBody> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > FulfillmentLimits.MaxBodyBytes)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.MalformedJson, $"The body may be at most {FulfillmentLimits.MaxBodyBytes} bytes.");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<ResolveExceptionBody>(request.Body, Json, cancellationToken)
                ?? throw FulfillmentRejectedException.Invalid(FulfillmentCodes.MalformedJson, "The body must be a JSON object.");
        }
        catch (JsonException)
        {
            throw FulfillmentRejectedException.Invalid(FulfillmentCodes.MalformedJson, "The body must be a JSON object: {\"resolution\": \"...\"}.");
        }
    }
}
