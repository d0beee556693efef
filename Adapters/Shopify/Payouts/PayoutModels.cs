namespace Distribution.Aspire.Adapters.Shopify.Payouts;

// Shopify Payments in the REST Admin API (snake_case on the wire); money as decimal strings, ids as 64-bit numbers.

public sealed record PayoutsEnvelope(IReadOnlyList<ShopifyPayout> Payouts);

public sealed record ShopifyPayout(long Id, string Status, string Date, string Currency, string Amount);

public sealed record BalanceTransactionsEnvelope(IReadOnlyList<BalanceTransaction> Transactions);

public sealed record BalanceTransaction(
    long Id,
    string Type,
    long? PayoutId,
    string Currency,
    string Amount,
    string Fee,
    string Net,
    long? SourceId,
    string? SourceType,
    long? SourceOrderId,
    DateTimeOffset ProcessedAt);

public sealed record PayoutOrderEnvelope(PayoutOrder Order);

/// <summary>What splits a charge: the order's total, its tax and its shipping.</summary>
public sealed record PayoutOrder(long Id, string? TotalPrice, string? TotalTax, PayoutMoneySet? TotalShippingPriceSet);

public sealed record PayoutMoneySet(PayoutMoney? ShopMoney);

public sealed record PayoutMoney(string Amount, string CurrencyCode);
