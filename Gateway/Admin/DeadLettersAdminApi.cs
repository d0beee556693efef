using System.Net;
using System.Text.Json.Nodes;
using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Gateway.Admin;

/// <summary>Every service's dead letters in one list, each tagged with its service.</summary>
public sealed record DeadLetterReport(IReadOnlyList<JsonNode?> DeadLetters, IReadOnlyList<string> Unreachable);

/// <summary>
/// <c>GET /admin/dead-letters</c> and <c>POST /admin/dead-letters/{id}:replay</c> across all services: the gateway
/// asks each service's own admin API with the service admin key. One service's dead letters are also at
/// <c>/admin/&lt;service&gt;/dead-letters…</c>, passed straight through.
/// </summary>
public static class DeadLettersAdminApi
{
    public const string ClientName = "service-admin";

    public static IHostApplicationBuilder AddServiceAdminClient(this IHostApplicationBuilder builder)
    {
        // A fan-out over every service must not wait for retries of one that is down.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented opt-out of the defaults.
        builder.Services.AddHttpClient(ClientName, client => client.Timeout = TimeSpan.FromSeconds(5)).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static IEndpointRouteBuilder MapDeadLettersAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGatewayAdminGroup().WithTags("Dead letters");
        admin.MapGet("/dead-letters", ListAsync).WithName("ListAllDeadLetters");
        admin.MapPost("/dead-letters/{id:guid}:replay", ReplayAsync).WithName("ReplayDeadLetter");
        return endpoints;
    }

    public static async Task<Ok<DeadLetterReport>> ListAsync(
        HttpContext context, IHttpClientFactory clients, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var query = context.Request.QueryString;
        var answers = await Task.WhenAll(options.Value.Backends.Select(async service =>
        {
            try
            {
                using var request = Request(HttpMethod.Get, service, $"/admin/dead-letters{query}", options.Value);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
                var items = await response.Content.ReadFromJsonAsync<JsonArray>(cancellationToken) ?? [];
                foreach (var item in items.OfType<JsonObject>())
                {
                    item["service"] = service;
                }

                return (service, items: (JsonArray?)items);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return (service, items: null);
            }
        }));

        var deadLetters = answers.Where(a => a.items is not null).SelectMany(a => a.items!.Select(item => item?.DeepClone())).ToList();
        return TypedResults.Ok(new DeadLetterReport(deadLetters, [.. answers.Where(a => a.items is null).Select(a => a.service)]));
    }

    /// <summary>Dead letter ids are unique across services; the one that knows the id replays it.</summary>
    public static async Task<IResult> ReplayAsync(Guid id, IHttpClientFactory clients, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        foreach (var service in options.Value.Backends)
        {
            try
            {
                using var request = Request(HttpMethod.Post, service, $"/admin/dead-letters/{id}:replay", options.Value);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    return TypedResults.Content(body, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A service that is down cannot hold the dead letter we could replay now; ask the next.
            }
        }

        return GatewayProblems.Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"No service holds dead letter {id}.");
    }

    private static HttpRequestMessage Request(HttpMethod method, string service, string path, GatewayOptions options)
    {
        var request = new HttpRequestMessage(method, $"http://{service}{path}");
        if (options.ServiceAdminKey is { Length: > 0 } key)
        {
            request.Headers.TryAddWithoutValidation(AdminKeyFilter.HeaderName, key);
        }

        return request;
    }
}
