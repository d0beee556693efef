using System.Globalization;
using Distribution.Aspire.Contracts;
using Distribution.Aspire.Contracts.Settlements.V1;
using Google.Protobuf.WellKnownTypes;

namespace Distribution.Aspire.Adapters.Shopify.Payouts;

/// <summary>A payout or its transactions that cannot be mapped: the reason goes on the exceptions list.</summary>
public sealed class PayoutMappingException(string message) : Exception(message);

/// <summary>
/// Maps a Shopify Payments payout and its balance transactions to a canonical settlement: one line per amount, named
/// by the transaction type. A charge that is exactly its order's total is split into principal, tax and shipping (the
/// canonical order has no shipping); the processing fee is a line of its own, negative. The payout's own transaction is
/// the deposit, so it is the settlement's total rather than a line.
/// </summary>
public static class PayoutMapper
{
    public static IngestSettlementRequest Map(ShopifyPayout payout, IReadOnlyList<BalanceTransaction> transactions, IReadOnlyDictionary<long, PayoutOrder> orders, string partnerId)
    {
        var date = DateOnly.TryParseExact(payout.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var paid)
            ? paid
            : throw new PayoutMappingException($"Payout {payout.Id} has no readable date ('{payout.Date}').");
        var deposit = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var amounts = transactions.Where(t => t.Type != "payout").ToList();
        var request = new IngestSettlementRequest
        {
            Channel = ShopifyOptions.Channel,
            PartnerId = partnerId,
            SettlementId = payout.Id.ToString(CultureInfo.InvariantCulture),
            PeriodStart = Timestamp.FromDateTimeOffset(amounts.Count > 0 ? amounts.Min(t => t.ProcessedAt) : deposit),
            PeriodEnd = Timestamp.FromDateTimeOffset(amounts.Count > 0 ? amounts.Max(t => t.ProcessedAt) : deposit),
            DepositDate = Timestamp.FromDateTimeOffset(deposit),
            Currency = payout.Currency,
            TotalAmount = Money(payout.Amount, $"payout {payout.Id} amount"),
        };

        foreach (var transaction in amounts)
        {
            if (!string.Equals(transaction.Currency, payout.Currency, StringComparison.OrdinalIgnoreCase))
            {
                throw new PayoutMappingException($"Transaction {transaction.Id} is in {transaction.Currency}, payout {payout.Id} in {payout.Currency}.");
            }

            var amount = Amount(transaction.Amount, $"transaction {transaction.Id} amount");
            var fee = Amount(transaction.Fee, $"transaction {transaction.Id} fee");
            var order = transaction.SourceOrderId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
            if (transaction.Type == "charge" && transaction.SourceOrderId is { } orderId && orders.GetValueOrDefault(orderId) is { } known
                && MoneyAmount.TryParse(known.TotalPrice, out var total) && total == amount)
            {
                var tax = MoneyAmount.TryParse(known.TotalTax, out var taxAmount) ? taxAmount : 0m;
                var shipping = MoneyAmount.TryParse(known.TotalShippingPriceSet?.ShopMoney?.Amount, out var shippingAmount) ? shippingAmount : 0m;
                Add(request, transaction, order, "Amount", "Principal", amount - tax - shipping);
                Add(request, transaction, order, "Amount", "Tax", tax);
                Add(request, transaction, order, "Amount", "Shipping", shipping);
            }
            else
            {
                Add(request, transaction, order, "Amount", transaction.Type is "charge" or "refund" ? "Principal" : transaction.SourceType ?? transaction.Type, amount);
            }

            Add(request, transaction, order, "Fee", "ProcessingFee", -fee);
        }

        return request;
    }

    private static void Add(IngestSettlementRequest request, BalanceTransaction transaction, string order, string amountType, string description, decimal amount)
    {
        if (amount == 0m)
        {
            return;
        }

        request.Lines.Add(new SettlementLine
        {
            OrderReference = order,
            TransactionType = transaction.Type,
            AmountType = amountType,
            AmountDescription = description,
            Amount = MoneyAmount.Format(amount),
            PostedAt = Timestamp.FromDateTimeOffset(transaction.ProcessedAt),
            LineReference = transaction.Id.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static decimal Amount(string? text, string what) =>
        MoneyAmount.TryParse(text, out var value) ? value : throw new PayoutMappingException($"The {what} '{text}' is not a decimal amount.");

    private static string Money(string? text, string what) => MoneyAmount.Format(Amount(text, what));
}
