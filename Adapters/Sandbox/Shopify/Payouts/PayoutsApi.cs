using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify.Payouts;

/// <summary>
/// Shopify Payments in the simulated Admin REST API (same guard as the rest: token, faults, leaky bucket):
/// <c>shopify_payments/payouts.json</c>, <c>shopify_payments/balance/transactions.json?payout_id=</c> and
/// <c>orders/{id}.json</c>; both lists page by <c>since_id</c> and <c>limit</c>, ascending. Controls under
/// <c>/shopify/sandbox/payouts</c>: <c>POST</c> pays out what is not paid out yet, <c>GET</c> lists payouts.
/// </summary>
public static class PayoutsApi
{
    public static IEndpointRouteBuilder MapShopifyPayoutsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(ShopifyAdminApi.Prefix).AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<AdminApiGuard>()).WithTags("Shopify sandbox Admin API");
        api.MapGet("/shopify_payments/payouts.json", ListPayouts).WithDisplayName("payouts.list");
        api.MapGet("/shopify_payments/balance/transactions.json", ListTransactions).WithDisplayName("balance_transactions.list");
        api.MapGet("/orders/{orderId:long}.json", GetOrder).WithDisplayName("orders.get");

        var sandbox = endpoints.MapGroup("/shopify/sandbox/payouts").WithTags("Shopify sandbox");
        sandbox.MapPost("/", (SandboxPayouts payouts) => payouts.PayOutPending() is { } payout
            ? Results.Json(new JsonObject { ["payout"] = Payout(payout) }, statusCode: StatusCodes.Status201Created)
            : Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: "Nothing to pay out: no paid order or refund since the last payout."));
        sandbox.MapGet("/", (SandboxPayouts payouts) => Results.Json(new JsonObject { ["payouts"] = new JsonArray([.. payouts.Payouts().Select(Payout)]) }));
        return endpoints;
    }

    public static IResult ListPayouts([FromQuery(Name = "since_id")] long? sinceId, int? limit, string? status, SandboxPayouts payouts) =>
        Results.Json(new JsonObject
        {
            ["payouts"] = new JsonArray([.. payouts.Payouts()
                .Where(p => p.Id > (sinceId ?? 0) && (status is null || status == "paid"))
                .Take(Math.Clamp(limit ?? 50, 1, 250))
                .Select(Payout)]),
        });

    public static IResult ListTransactions([FromQuery(Name = "payout_id")] long? payoutId, [FromQuery(Name = "since_id")] long? sinceId, int? limit, SandboxPayouts payouts) =>
        Results.Json(new JsonObject
        {
            ["transactions"] = new JsonArray([.. payouts.Payouts()
                .Where(p => payoutId is null || p.Id == payoutId)
                .SelectMany(p => p.Transactions)
                .Where(t => t.Id > (sinceId ?? 0))
                .OrderBy(t => t.Id)
                .Take(Math.Clamp(limit ?? 50, 1, 250))
                .Select(Transaction)]),
        });

    public static IResult GetOrder(long orderId, ShopifyShop shop) =>
        shop.Order(orderId) is { } order
            ? Results.Json(new JsonObject { ["order"] = ShopifyPayloads.Order(shop, order) })
            : Results.Json(new { errors = "Not Found" }, statusCode: StatusCodes.Status404NotFound);

    private static JsonObject Payout(SandboxPayout payout)
    {
        decimal Sum(string type, Func<SandboxBalanceTransaction, decimal> amount) => payout.Transactions.Where(t => t.Type == type).Sum(amount);
        return new JsonObject
        {
            ["id"] = payout.Id,
            ["status"] = "paid",
            ["date"] = payout.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["currency"] = payout.Currency,
            ["amount"] = ShopifyPayloads.Money(payout.Amount),
            ["summary"] = new JsonObject
            {
                ["adjustments_fee_amount"] = "0.00",
                ["adjustments_gross_amount"] = "0.00",
                ["charges_fee_amount"] = ShopifyPayloads.Money(Sum("charge", t => t.Fee)),
                ["charges_gross_amount"] = ShopifyPayloads.Money(Sum("charge", t => t.Amount)),
                ["refunds_fee_amount"] = ShopifyPayloads.Money(Sum("refund", t => t.Fee)),
                ["refunds_gross_amount"] = ShopifyPayloads.Money(Sum("refund", t => t.Amount)),
                ["reserved_funds_fee_amount"] = "0.00",
                ["reserved_funds_gross_amount"] = "0.00",
                ["retried_payouts_fee_amount"] = "0.00",
                ["retried_payouts_gross_amount"] = "0.00",
            },
        };
    }

    private static JsonObject Transaction(SandboxBalanceTransaction transaction) => new()
    {
        ["id"] = transaction.Id,
        ["type"] = transaction.Type,
        ["test"] = false,
        ["payout_id"] = transaction.PayoutId,
        ["payout_status"] = "paid",
        ["currency"] = transaction.Currency,
        ["amount"] = ShopifyPayloads.Money(transaction.Amount),
        ["fee"] = ShopifyPayloads.Money(transaction.Fee),
        ["net"] = ShopifyPayloads.Money(transaction.Net),
        ["source_id"] = transaction.SourceId,
        ["source_type"] = transaction.SourceType,
        ["source_order_id"] = transaction.SourceOrderId,
        ["source_order_transaction_id"] = transaction.SourceOrderId is null ? null : transaction.SourceId,
        ["processed_at"] = transaction.ProcessedAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
    };
}
