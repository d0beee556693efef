using System.Globalization;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify.Payouts;

public sealed record SandboxBalanceTransaction(
    long Id, string Type, long PayoutId, string Currency, decimal Amount, decimal Fee, long SourceId, string SourceType, long? SourceOrderId, DateTimeOffset ProcessedAt)
{
    public decimal Net => Amount - Fee;
}

public sealed record SandboxPayout(long Id, DateOnly Date, string Currency, decimal Amount, IReadOnlyList<SandboxBalanceTransaction> Transactions);

/// <summary>
/// Shopify Payments for the sandbox shop: a payout gathers every paid order and every refund not paid out yet, as
/// balance transactions (a charge of the order's total less the processing fee, a refund of the amount paid back),
/// plus the payout's own transaction; its amount is the sum of their nets. Paid at once. In memory, like the shop.
/// </summary>
public sealed class SandboxPayouts(ShopifyShop shop, IOptions<PayoutOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly List<SandboxPayout> _payouts = [];
    private readonly HashSet<long> _charged = [];
    private readonly HashSet<long> _refunded = [];
    private long _nextId = 9_000_000_000;

    /// <summary>A payout of what is not paid out yet; null when there is nothing.</summary>
    public SandboxPayout? PayOutPending()
    {
        lock (_gate)
        {
            var payoutId = ++_nextId;
            var now = clock.GetUtcNow();
            var transactions = new List<SandboxBalanceTransaction>();
            foreach (var order in shop.Orders())
            {
                if (order.CancelledAt is null && order.FinancialStatus is "paid" or "partially_refunded" or "refunded" && _charged.Add(order.Id))
                {
                    var gross = Total(order);
                    var fee = Math.Round((gross * options.Value.FeePercent / 100m) + options.Value.FeeFixed, 2, MidpointRounding.AwayFromZero);
                    transactions.Add(new SandboxBalanceTransaction(++_nextId, "charge", payoutId, shop.Options.Currency, gross, fee, ++_nextId, "charge", order.Id, order.CreatedAt));
                }

                foreach (var refund in order.Refunds.ToArray().Where(r => _charged.Contains(order.Id) && _refunded.Add(r.Id)))
                {
                    transactions.Add(new SandboxBalanceTransaction(++_nextId, "refund", payoutId, shop.Options.Currency, -refund.Amount, 0m, refund.Id, "refund", order.Id, refund.CreatedAt));
                }
            }

            if (transactions.Count == 0)
            {
                _nextId--;
                return null;
            }

            var amount = transactions.Sum(t => t.Net);
            transactions.Add(new SandboxBalanceTransaction(++_nextId, "payout", payoutId, shop.Options.Currency, -amount, 0m, payoutId, "payout", null, now));
            var payout = new SandboxPayout(payoutId, DateOnly.FromDateTime(now.UtcDateTime), shop.Options.Currency, amount, transactions);
            _payouts.Add(payout);
            return payout;
        }
    }

    public IReadOnlyList<SandboxPayout> Payouts()
    {
        lock (_gate)
        {
            return [.. _payouts];
        }
    }

    public SandboxPayout? Payout(long payoutId)
    {
        lock (_gate)
        {
            return _payouts.FirstOrDefault(p => p.Id == payoutId);
        }
    }

    /// <summary>What the buyer paid, as the order's total_price says (items less discounts, tax and shipping).</summary>
    public decimal Total(SandboxOrder order) =>
        decimal.Parse(ShopifyPayloads.Order(shop, order)["total_price"]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
