using Distribution.Aspire.Contracts.Events.Settlements;

namespace Distribution.Aspire.Adapters.Erp.Tests;

/// <summary>Settlement journals as SettlementService would publish them.</summary>
public static class Journals
{
    /// <summary>Marketplace clearing against sales, fees and refunds; balanced.</summary>
    public static JournalEntry Balanced(string documentNumber, string sales = "100.00", string fees = "15.00") =>
        new(documentNumber, new DateOnly(2026, 11, 28), "USD", $"Settlement {documentNumber}",
        [
            new JournalLine("1205-AMAZON-CLEARING", Amount(decimal.Parse(sales, System.Globalization.CultureInfo.InvariantCulture) - decimal.Parse(fees, System.Globalization.CultureInfo.InvariantCulture)), "0", "Marketplace clearing", null),
            new JournalLine("6100-MARKETPLACE-FEES", fees, "0", "Commissions", "ORDER-1"),
            new JournalLine("4000-SALES", "0", sales, "Product sales", "ORDER-1"),
        ]);

    public static JournalEntry Unbalanced(string documentNumber) =>
        new(documentNumber, new DateOnly(2026, 11, 28), "USD", "Unbalanced",
        [
            new JournalLine("1205-AMAZON-CLEARING", "85.00", "0", "Marketplace clearing", null),
            new JournalLine("4000-SALES", "0", "100.00", "Product sales", null),
        ]);

    public static JournalEntry WithAccount(string documentNumber, string account) =>
        new(documentNumber, new DateOnly(2026, 11, 28), "USD", "Unknown account",
        [
            new JournalLine("1205-AMAZON-CLEARING", "10.00", "0", "Marketplace clearing", null),
            new JournalLine(account, "0", "10.00", "Somewhere", null),
        ]);

    public static SettlementReconciled Reconciled(params JournalEntry[] journals) => Reconciled(Guid.NewGuid(), journals);

    public static SettlementReconciled Reconciled(Guid settlementId, params JournalEntry[] journals) =>
        new(settlementId, "amazon", "amazon-seller", "S-" + settlementId.ToString("N")[..8], "USD", "85.00",
            new DateTimeOffset(2026, 11, 14, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero),
            journals, DateTimeOffset.UtcNow);

    /// <summary>A document number unique to the test, as the settlement service derives them.</summary>
    public static string Number(string prefix = "STL") => $"{prefix}-{Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()}";

    private static string Amount(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
