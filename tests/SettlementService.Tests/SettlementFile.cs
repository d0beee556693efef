using System.Globalization;
using System.Text;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>
/// Builds an Amazon V2 settlement flat file (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) from the column spec: a header
/// row, the summary row (settlement id, period, deposit date, total, currency) and one row per amount. The total is the
/// sum of the rows unless a test says otherwise.
/// </summary>
public sealed class SettlementFile(string settlementId, string currency = "USD")
{
    public static readonly string[] Columns =
    [
        "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
        "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
        "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
        "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
    ];

    private readonly List<Dictionary<string, string>> _rows = [];

    public string SettlementId { get; } = settlementId;

    public string Start { get; set; } = "2026-03-01T00:00:00+00:00";

    public string End { get; set; } = "2026-03-15T00:00:00+00:00";

    public string Deposit { get; set; } = "2026-03-17T00:00:00+00:00";

    public static string NewSettlementId() => Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString(CultureInfo.InvariantCulture);

    public static string NewOrderId() =>
        string.Create(CultureInfo.InvariantCulture, $"111-{Random.Shared.Next(1_000_000, 9_999_999)}-{Random.Shared.Next(1_000_000, 9_999_999)}");

    /// <summary>An item sold: principal, tax and (when given) commission, as Amazon lists an Order transaction.</summary>
    public SettlementFile Sale(string orderId, string sku, int quantity, string principal, string? tax = null, string? commission = null, string itemCode = "1")
    {
        Row("Order", orderId, "ItemPrice", "Principal", principal, sku, quantity, itemCode);
        if (tax is not null)
        {
            Row("Order", orderId, "ItemPrice", "Tax", tax, sku, null, itemCode);
        }

        if (commission is not null)
        {
            Row("Order", orderId, "ItemFees", "Commission", commission, sku, null, itemCode);
        }

        return this;
    }

    public SettlementFile Fee(string orderId, string description, string amount, string sku = "SKU-1", string itemCode = "1") =>
        Row("Order", orderId, "ItemFees", description, amount, sku, null, itemCode);

    public SettlementFile Refund(string orderId, string sku, string principal, string? tax = null, string itemCode = "1")
    {
        Row("Refund", orderId, "ItemPrice", "Principal", principal, sku, null, itemCode, adjustmentId: $"adj-{orderId}");
        if (tax is not null)
        {
            Row("Refund", orderId, "ItemPrice", "Tax", tax, sku, null, itemCode, adjustmentId: $"adj-{orderId}");
        }

        return this;
    }

    /// <summary>Any amount row; <paramref name="orderId"/> null for charges not tied to an order.</summary>
    public SettlementFile Row(
        string transactionType, string? orderId, string amountType, string description, string amount, string? sku = null, int? quantity = null,
        string? itemCode = null, string? adjustmentId = null, string? currencyColumn = null, string? postedDateTime = null)
    {
        _rows.Add(new Dictionary<string, string>
        {
            ["settlement-id"] = SettlementId,
            ["currency"] = currencyColumn ?? string.Empty,
            ["transaction-type"] = transactionType,
            ["order-id"] = orderId ?? string.Empty,
            ["adjustment-id"] = adjustmentId ?? string.Empty,
            ["shipment-id"] = orderId is null || adjustmentId is not null ? string.Empty : $"ship-{orderId}",
            ["marketplace-name"] = "Amazon.com",
            ["amount-type"] = amountType,
            ["amount-description"] = description,
            ["amount"] = amount,
            ["fulfillment-id"] = "AFN",
            ["posted-date"] = "2026-03-10",
            ["posted-date-time"] = postedDateTime ?? "2026-03-10T12:00:00+00:00",
            ["order-item-code"] = itemCode ?? string.Empty,
            ["sku"] = sku ?? string.Empty,
            ["quantity-purchased"] = quantity?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        });
        return this;
    }

    public decimal Sum => _rows.Sum(r => decimal.Parse(r["amount"], CultureInfo.InvariantCulture));

    /// <summary>The file's text. <paramref name="total"/> overrides the summary's total-amount (default: the sum of the rows).</summary>
    public string ToTsv(string? total = null, IReadOnlyList<string>? columns = null)
    {
        var names = columns ?? Columns;
        var text = new StringBuilder();
        text.Append(string.Join('\t', names)).Append("\r\n");
        var summary = new Dictionary<string, string>
        {
            ["settlement-id"] = SettlementId,
            ["settlement-start-date"] = Start,
            ["settlement-end-date"] = End,
            ["deposit-date"] = Deposit,
            ["total-amount"] = total ?? Sum.ToString("0.00", CultureInfo.InvariantCulture),
            ["currency"] = currency,
        };
        foreach (var row in _rows.Prepend(summary))
        {
            text.Append(string.Join('\t', names.Select(c => row.GetValueOrDefault(c, string.Empty)))).Append("\r\n");
        }

        return text.ToString();
    }
}
