using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// What happens to orders in the simulated shop, each with the webhook Shopify would send: placed (orders/create),
/// paid (orders/updated), cancelled (orders/cancelled, which also restocks nothing here: stock is ours), refunded
/// (refunds/create). Used by the scenario driver and the sandbox API.
/// </summary>
public sealed class ShopifyOrderDesk(ShopifyShop shop, WebhookSender webhooks, TimeProvider clock, IOptions<ShopifySandboxOptions> options)
{
    private static readonly SandboxAddress[] Addresses =
    [
        new("Ada", "Sandbox", "100 Sandbox Way", null, "Springfield", "Illinois", "IL", "62701", "US"),
        new("Grace", "Harbor", "7 Harbor Road", "Suite 4", "Portland", "Oregon", "OR", "97201", "US"),
        new("Alan", "Turing", "42 Loop Street", null, "Austin", "Texas", "TX", "73301", "US"),
        new("Edsger", "Path", "9 Shortest Path", "Floor 2", "Boston", "Massachusetts", "MA", "02108", "US"),
    ];

    private readonly Random _random = options.Value.Scenario.Seed is { } seed ? new Random(seed) : new Random();

    /// <summary>Places an order; without lines, picks one to <c>MaxLinesPerOrder</c> random catalog SKUs. Null when a SKU is not in the catalog.</summary>
    public SandboxOrder? Place(IReadOnlyList<(string Sku, int Quantity)>? lines = null, string financialStatus = "paid")
    {
        if (lines is not null && lines.Any(l => shop.ProductBySku(l.Sku) is null))
        {
            return null;
        }

        List<(SandboxProduct, int)> picked;
        SandboxAddress address;
        decimal discountRate;
        lock (_random)
        {
            var scenario = options.Value.Scenario;
            picked = lines is { Count: > 0 }
                ? [.. lines.Select(l => (shop.ProductBySku(l.Sku)!, l.Quantity))]
                : [.. shop.Products.OrderBy(_ => _random.Next()).Take(_random.Next(1, Math.Max(1, scenario.MaxLinesPerOrder) + 1))
                    .Select(p => (p, _random.Next(1, Math.Max(1, scenario.MaxQuantityPerLine) + 1)))];
            address = Addresses[_random.Next(Addresses.Length)];
            discountRate = _random.Next(4) == 0 ? 0.10m : 0m;
        }

        var order = shop.CreateOrder(picked, address, financialStatus, discountRate, 0.06m);
        webhooks.Enqueue("orders/create", ShopifyPayloads.Order(shop, order));
        return order;
    }

    public SandboxOrder? MarkPaid(long orderId)
    {
        var order = shop.Change(orderId, o => o.FinancialStatus = "paid");
        if (order is not null)
        {
            webhooks.Enqueue("orders/updated", ShopifyPayloads.Order(shop, order));
        }

        return order;
    }

    public SandboxOrder? Cancel(long orderId, string reason = "customer")
    {
        var order = shop.Change(orderId, o =>
        {
            o.CancelledAt ??= clock.GetUtcNow();
            o.CancelReason = reason;
            o.FinancialStatus = o.FinancialStatus == "paid" ? "refunded" : "voided";
        });
        if (order is not null)
        {
            webhooks.Enqueue("orders/cancelled", ShopifyPayloads.Order(shop, order));
        }

        return order;
    }

    /// <summary>Refunds one unit of the order's first line.</summary>
    public SandboxRefund? Refund(long orderId)
    {
        SandboxRefund? refund = null;
        var order = shop.Change(orderId, o =>
        {
            var line = o.Lines[0];
            refund = new SandboxRefund(shop.NextId(), o.Id, clock.GetUtcNow(), line.Product.Price, [(line.Id, 1)]);
            o.Refunds.Add(refund);
            o.FinancialStatus = "partially_refunded";
        });
        if (order is null || refund is null)
        {
            return null;
        }

        webhooks.Enqueue("refunds/create", ShopifyPayloads.Refund(shop, order, refund));
        return refund;
    }

    public bool Chance(double rate)
    {
        lock (_random)
        {
            return rate > 0 && _random.NextDouble() < rate;
        }
    }
}
