using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

public sealed record PlaceOrderLine(string Sku, int Quantity);

public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderLine>? Lines, string? FinancialStatus);

public sealed record SandboxOrderSummary(long Id, string Name, string FinancialStatus, bool Cancelled, IReadOnlyList<PlaceOrderLine> Lines);

/// <summary>
/// The sandbox's own controls under <c>/shopify/sandbox</c> (local only, no credentials): what the shop was last told
/// per SKU, orders and fulfillments, webhook deliveries and API call counts, placing and changing orders, and the
/// faults in force.
/// </summary>
public static class ShopifySandboxApi
{
    public static IEndpointRouteBuilder MapShopifySandboxApi(this IEndpointRouteBuilder endpoints)
    {
        var sandbox = endpoints.MapGroup("/shopify/sandbox").WithTags("Shopify sandbox");
        sandbox.MapGet("/quantities", (ShopifyShop shop) => TypedResults.Ok(shop.Told()));
        sandbox.MapGet("/quantities/{sku}", Quantity);
        sandbox.MapGet("/orders", (ShopifyShop shop) => TypedResults.Ok(shop.Orders().Select(Summary)));
        sandbox.MapGet("/orders/{orderId:long}", Order);
        sandbox.MapPost("/orders", Place);
        sandbox.MapPost("/orders/{orderId:long}:pay", (long orderId, ShopifyOrderDesk desk) => desk.MarkPaid(orderId) is { } order ? Results.Ok(Summary(order)) : NotFound());
        sandbox.MapPost("/orders/{orderId:long}:cancel", (long orderId, ShopifyOrderDesk desk) => desk.Cancel(orderId) is { } order ? Results.Ok(Summary(order)) : NotFound());
        sandbox.MapPost("/orders/{orderId:long}:refund", (long orderId, ShopifyOrderDesk desk) => desk.Refund(orderId) is { } refund ? Results.Ok(refund) : NotFound());
        sandbox.MapGet("/fulfillments", (ShopifyShop shop) => TypedResults.Ok(shop.Fulfillments()));
        sandbox.MapPut("/orders/{orderId:long}/fulfillment-hold", (long orderId, FulfillmentHoldBody body, ShopifyShop shop) =>
            body.Hold is null or "on_hold" or "scheduled"
                ? shop.Change(orderId, order => order.FulfillmentHold = body.Hold) is { } order ? Results.Ok(Summary(order)) : NotFound()
                : Results.BadRequest(new { errors = "hold must be on_hold, scheduled or null" }));
        sandbox.MapPost("/fulfillments:drop-answers", (DropAnswersBody body, ShopifyShop shop) =>
        {
            shop.DropNextFulfillmentAnswers(body.Count);
            return Results.NoContent();
        });
        sandbox.MapGet("/webhooks", (WebhookSender sender) => TypedResults.Ok(sender.Log));
        sandbox.MapGet("/api-calls", (ApiCallStats stats) => TypedResults.Ok(stats.Snapshot()));
        sandbox.MapGet("/faults", (ShopifyFaultSwitch faults) => TypedResults.Ok(faults.Current));
        sandbox.MapPut("/faults", (ShopifyFaults faults, ShopifyFaultSwitch current) =>
        {
            current.Set(faults);
            return TypedResults.Ok(current.Current);
        });
        return endpoints;
    }

    public static Results<Ok<ToldQuantity>, ProblemHttpResult> Quantity(string sku, ShopifyShop shop) =>
        shop.Told().FirstOrDefault(t => t.Sku == sku) is { } told
            ? TypedResults.Ok(told)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"The shop was never told a quantity for {sku}.");

    public static IResult Order(long orderId, ShopifyShop shop) =>
        shop.Order(orderId) is { } order ? Results.Json(new JsonObject { ["order"] = ShopifyPayloads.Order(shop, order) }) : NotFound();

    public static IResult Place(PlaceOrderRequest? request, ShopifyOrderDesk desk)
    {
        if (request?.Lines is { } lines && lines.Any(l => l.Quantity is <= 0 or > 1000))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "Every line needs a quantity from 1 to 1000.");
        }

        var order = desk.Place(request?.Lines?.Select(l => (l.Sku, l.Quantity)).ToList(), request?.FinancialStatus ?? "paid");
        return order is null
            ? Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "A SKU is not in the sandbox catalog (Sandbox:Shopify:Skus).")
            : Results.Created($"/shopify/sandbox/orders/{order.Id}", Summary(order));
    }

    private static SandboxOrderSummary Summary(SandboxOrder order) =>
        new(order.Id, order.Name, order.FinancialStatus, order.CancelledAt is not null, [.. order.Lines.Select(l => new PlaceOrderLine(l.Product.Sku, l.Quantity))]);

    private static IResult NotFound() => Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No such order in the sandbox shop.");
}

public sealed record FulfillmentHoldBody(string? Hold);

public sealed record DropAnswersBody(int Count);
