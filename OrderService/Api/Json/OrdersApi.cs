using System.Globalization;
using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.OrderService.Lifecycle;
using Distribution.Aspire.OrderService.Queries;
using Distribution.Aspire.OrderService.Submitting;
using Distribution.Aspire.ServiceDefaults.Partners;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.OrderService.Api.Json;

/// <summary>
/// The v1 partner surface (docs/orders.md): minimal APIs over the same core as the gRPC service, for the
/// partner the gateway stamped on the request. Another partner's order is "not found".
/// </summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/orders").WithTags("Orders").AddEndpointFilter<PartnerEndpointFilter>();
        group.MapPost(string.Empty, SubmitAsync).WithName("SubmitOrder");
        group.MapGet(string.Empty, ListAsync).WithName("ListOrders");
        group.MapGet("/{orderId}", GetAsync).WithName("GetOrder");
        // A complex segment: the route value is what precedes the literal ":cancel".
        group.MapPost("/{orderId}:cancel", CancelAsync).WithName("CancelOrder");
        return endpoints;
    }

    public static async Task<Results<Created<OrderJson>, Ok<OrderJson>>> SubmitAsync(
        HttpContext context, OrderSubmitter submitter, OrderTelemetry telemetry, CancellationToken cancellationToken)
    {
        var partner = Partner(context);
        SubmitOrderBody body;
        try
        {
            body = (await JsonBody.ReadAsync<SubmitOrderBody>(context.Request, optional: false, cancellationToken))!;
        }
        catch (OrderRejectedException rejected)
        {
            telemetry.CountRejected(partner.Channel, rejected.Code);
            throw;
        }

        var result = await submitter.SubmitAsync(body.ToSubmission(partner), cancellationToken);
        var location = $"/v1/orders/{result.Order.OrderId}";
        if (result.Outcome == SubmitOutcome.Created)
        {
            return TypedResults.Created(location, OrderJson.From(result));
        }

        context.Response.Headers.Location = location;
        return TypedResults.Ok(OrderJson.From(result));
    }

    public static async Task<Ok<OrderJson>> GetAsync(string orderId, HttpContext context, OrderQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(OrderJson.From(await queries.GetAsync(ParseId(orderId), Partner(context).PartnerId, cancellationToken)));

    /// <summary><c>GET /v1/orders?channelOrderId=&amp;status=a,b&amp;channel=&amp;createdAfter=&amp;createdBefore=&amp;pageSize=&amp;pageToken=</c>.</summary>
    public static async Task<Ok<OrderListJson>> ListAsync(
        HttpContext context,
        OrderQueries queries,
        string? channelOrderId,
        string? status,
        string? channel,
        string? createdBefore,
        string? createdAfter,
        string? pageSize,
        string? pageToken,
        CancellationToken cancellationToken)
    {
        var filter = new OrderFilter(
            PartnerId: Partner(context).PartnerId,
            Channel: channel,
            ChannelOrderId: channelOrderId,
            Statuses: Statuses(status),
            CreatedBefore: Instant(createdBefore, "createdBefore"),
            CreatedAfter: Instant(createdAfter, "createdAfter"),
            PageSize: PageSize(pageSize),
            PageToken: pageToken);
        return TypedResults.Ok(OrderListJson.From(await queries.ListAsync(filter, cancellationToken)));
    }

    public static async Task<Ok<OrderJson>> CancelAsync(string orderId, HttpContext context, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var id = ParseId(orderId);
        var body = await JsonBody.ReadAsync<CancelBody>(context.Request, optional: true, cancellationToken);
        return TypedResults.Ok(OrderJson.From(await lifecycle.CancelAsync(id, Partner(context).PartnerId, body?.Reason ?? "cancelled by the partner", cancellationToken)));
    }

    private static PartnerIdentity Partner(HttpContext context)
    {
        // PartnerEndpointFilter already turned requests without one away.
        PartnerIdentity.TryGet(context, out var partner);
        return partner;
    }

    private static Guid ParseId(string orderId) =>
        Guid.TryParse(orderId, out var id) ? id : throw OrderRejectedException.NotFound($"No order {orderId}.");

    private static List<OrderStatus>? Statuses(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var statuses = new List<OrderStatus>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            statuses.Add(OrderStatuses.TryParse(name, out var status)
                ? status
                : throw OrderRejectedException.Invalid(OrderCodes.InvalidFilter, $"Unknown status \"{name}\".", "status"));
        }

        return statuses;
    }

    private static DateTimeOffset? Instant(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw OrderRejectedException.Invalid(OrderCodes.InvalidFilter, $"{field} must be an ISO 8601 instant.", field);
    }

    private static int PageSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is > 0 and <= OrderFilter.MaxPageSize
            ? size
            : throw OrderRejectedException.Invalid(OrderCodes.InvalidFilter, $"pageSize must be from 1 to {OrderFilter.MaxPageSize}.", "pageSize");
    }
}
