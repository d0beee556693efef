using System.Globalization;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>
/// The simulated shop: catalog (one product and variant per SKU), inventory levels at one location, orders with
/// their fulfillment orders, fulfillments, and what the shop was last told per SKU. All state is in memory and
/// guarded by one lock; ids are large, like Shopify's, and beyond 32 bits on purpose.
/// </summary>
public sealed class ShopifyShop
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SandboxProduct> _byItem = [];
    private readonly Dictionary<string, SandboxProduct> _bySku = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _levels = [];
    private readonly Dictionary<string, ToldQuantity> _told = new(StringComparer.Ordinal);
    private readonly Dictionary<long, SandboxOrder> _orders = [];
    private readonly List<SandboxFulfillment> _fulfillments = [];
    private readonly TimeProvider _clock;
    private long _nextId = 5_000_000_000_000;
    private int _nextNumber = 1000;
    private int _droppedFulfillmentAnswers;

    public ShopifyShop(IOptions<ShopifySandboxOptions> options, TimeProvider clock)
    {
        _clock = clock;
        Options = options.Value;
        var price = decimal.Parse(Options.UnitPrice, CultureInfo.InvariantCulture);
        for (var i = 0; i < Options.Skus.Count; i++)
        {
            var product = new SandboxProduct(8_000_000_000_000 + i, 4_000_000_000_000 + i, 6_000_000_000_000 + i, Options.Skus[i], price);
            _byItem[product.InventoryItemId] = product;
            _bySku[product.Sku] = product;
            _levels[product.InventoryItemId] = 0;
        }
    }

    public ShopifySandboxOptions Options { get; }

    public long LocationId => Options.LocationId;

    public IReadOnlyList<SandboxProduct> Products
    {
        get
        {
            lock (_gate)
            {
                return [.. _byItem.Values.OrderBy(p => p.ProductId)];
            }
        }
    }

    public SandboxProduct? ProductBySku(string sku)
    {
        lock (_gate)
        {
            return _bySku.GetValueOrDefault(sku);
        }
    }

    public long NextId() => Interlocked.Increment(ref _nextId);

    public int? Level(long inventoryItemId)
    {
        lock (_gate)
        {
            return _levels.TryGetValue(inventoryItemId, out var level) ? level : null;
        }
    }

    /// <summary>Sets an item's available quantity (REST or GraphQL): null when the item is unknown; else the product and the level before.</summary>
    public (SandboxProduct Product, int Before)? SetLevel(long inventoryItemId, int available)
    {
        lock (_gate)
        {
            if (!_byItem.TryGetValue(inventoryItemId, out var product))
            {
                return null;
            }

            var before = _levels[inventoryItemId];
            _levels[inventoryItemId] = available;
            var times = _told.TryGetValue(product.Sku, out var told) ? told.TimesTold + 1 : 1;
            _told[product.Sku] = new ToldQuantity(product.Sku, inventoryItemId, LocationId, available, _clock.GetUtcNow(), times);
            return (product, before);
        }
    }

    public IReadOnlyList<ToldQuantity> Told()
    {
        lock (_gate)
        {
            return [.. _told.Values.OrderBy(t => t.Sku, StringComparer.Ordinal)];
        }
    }

    public SandboxOrder CreateOrder(IReadOnlyList<(SandboxProduct Product, int Quantity)> lines, SandboxAddress shipTo, string financialStatus, decimal discountRate, decimal taxRate)
    {
        lock (_gate)
        {
            var orderLines = lines.Select(l =>
            {
                var gross = l.Product.Price * l.Quantity;
                var discount = Math.Round(gross * discountRate, 2, MidpointRounding.AwayFromZero);
                var tax = Math.Round((gross - discount) * taxRate, 2, MidpointRounding.AwayFromZero);
                return new SandboxLine(NextId(), NextId(), l.Product, l.Quantity, discount, tax);
            }).ToList();
            var number = ++_nextNumber;
            var order = new SandboxOrder(NextId(), number, NextId(), NextId(), $"buyer{number}@example.com", shipTo, orderLines, _clock.GetUtcNow())
            {
                FinancialStatus = financialStatus,
            };
            _orders[order.Id] = order;
            return order;
        }
    }

    public SandboxOrder? Order(long orderId)
    {
        lock (_gate)
        {
            return _orders.GetValueOrDefault(orderId);
        }
    }

    public IReadOnlyList<SandboxOrder> Orders()
    {
        lock (_gate)
        {
            return [.. _orders.Values.OrderBy(o => o.Id)];
        }
    }

    /// <summary>Applies a change to an order under the lock and stamps updated_at; null when the order is unknown.</summary>
    public SandboxOrder? Change(long orderId, Action<SandboxOrder> change)
    {
        lock (_gate)
        {
            if (!_orders.TryGetValue(orderId, out var order))
            {
                return null;
            }

            change(order);
            var now = _clock.GetUtcNow();
            order.UpdatedAt = now > order.UpdatedAt ? now : order.UpdatedAt.AddMilliseconds(1);
            return order;
        }
    }

    /// <summary>
    /// fulfillments.json: every (fulfillment order id, fulfillment order line id, quantity) must exist and be
    /// fulfillable; all or nothing, as Shopify does. Returns the fulfillment or the reason for a 422.
    /// </summary>
    public (SandboxFulfillment? Fulfillment, string? Error) Fulfill(IReadOnlyList<(long FulfillmentOrderId, long LineId, int Quantity)> requested, string? trackingNumber, string? company)
    {
        lock (_gate)
        {
            if (requested.Count == 0)
            {
                return (null, "line_items_by_fulfillment_order must name at least one line");
            }

            var plan = new List<(SandboxOrder Order, SandboxLine Line, int Quantity)>();
            foreach (var (fulfillmentOrderId, lineId, quantity) in requested)
            {
                var order = _orders.Values.FirstOrDefault(o => o.FulfillmentOrderId == fulfillmentOrderId);
                var line = order?.Lines.FirstOrDefault(l => l.FulfillmentLineId == lineId);
                if (order is null || line is null)
                {
                    return (null, $"fulfillment order {fulfillmentOrderId} has no line {lineId}");
                }

                if (order.CancelledAt is not null)
                {
                    return (null, $"fulfillment order {fulfillmentOrderId} is cancelled");
                }

                if (order.FulfillmentHold is { } hold)
                {
                    return (null, $"fulfillment order {fulfillmentOrderId} is {hold}");
                }

                if (quantity <= 0 || quantity > line.Quantity - line.Fulfilled - plan.Where(p => p.Line == line).Sum(p => p.Quantity))
                {
                    return (null, $"quantity {quantity} of line {lineId} is more than is fulfillable");
                }

                plan.Add((order, line, quantity));
            }

            if (plan.Select(p => p.Order.Id).Distinct().Count() > 1)
            {
                return (null, "all fulfillment orders of a fulfillment must belong to one order");
            }

            foreach (var (_, line, quantity) in plan)
            {
                line.Fulfilled += quantity;
            }

            var fulfillment = new SandboxFulfillment(NextId(), plan[0].Order.Id, trackingNumber, company,
                [.. plan.Select(p => new FulfilledLine(p.Line.Id, p.Line.Product.Sku, p.Quantity))], _clock.GetUtcNow());
            _fulfillments.Add(fulfillment);
            return (fulfillment, null);
        }
    }

    /// <summary>The next <paramref name="count"/> fulfillments are created but their answers lost (a 504 instead), as a dropped connection would.</summary>
    public void DropNextFulfillmentAnswers(int count) => Interlocked.Exchange(ref _droppedFulfillmentAnswers, count);

    public bool TakeDroppedFulfillmentAnswer()
    {
        var left = Volatile.Read(ref _droppedFulfillmentAnswers);
        while (left > 0)
        {
            var seen = Interlocked.CompareExchange(ref _droppedFulfillmentAnswers, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }

    public IReadOnlyList<SandboxFulfillment> Fulfillments(long orderId)
    {
        lock (_gate)
        {
            return [.. _fulfillments.Where(f => f.OrderId == orderId)];
        }
    }

    public IReadOnlyList<SandboxFulfillment> Fulfillments()
    {
        lock (_gate)
        {
            return [.. _fulfillments];
        }
    }

    /// <summary>A consistent copy of an order's lines (fulfilled counts move under the lock).</summary>
    public IReadOnlyList<(SandboxLine Line, int Fulfilled)> Snapshot(SandboxOrder order)
    {
        lock (_gate)
        {
            return [.. order.Lines.Select(l => (l, l.Fulfilled))];
        }
    }
}
