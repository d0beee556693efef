using System.Globalization;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Posting;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>The posting rules on their own: balanced entries in exact decimals, most specific rule first, nothing guessed.</summary>
public sealed class JournalBuilderTests
{
    private static readonly PostingOptions Posting = new()
    {
        Rules =
        [
            new PostingRule { Channel = "amazon", TransactionType = "Order", AmountType = "ItemPrice", Debit = "1205", Credit = "4000" },
            new PostingRule { Channel = "amazon", TransactionType = "Order", AmountType = "ItemPrice", AmountDescription = "Tax", Debit = "1205", Credit = "2200" },
            new PostingRule { Channel = "amazon", Currency = "EUR", TransactionType = "Order", AmountType = "ItemPrice", AmountDescription = "Tax", Debit = "1205", Credit = "2210-VAT" },
            new PostingRule { Channel = "amazon", TransactionType = "Order", AmountType = "ItemFees", Debit = "1205", Credit = "6100" },
        ],
        Deposits = [new DepositRule { Channel = "amazon", Debit = "1010", Credit = "1205" }],
    };

    [Fact]
    public void Thousands_of_fractional_lines_balance_exactly_and_net_per_account()
    {
        var lines = Enumerable.Range(1, 3000).SelectMany(i => new[]
        {
            Line(i * 3, "ItemPrice", "Principal", 0.1m + (i % 7 * 0.0001m)),
            Line((i * 3) + 1, "ItemPrice", "Tax", 0.0333m),
            Line((i * 3) + 2, "ItemFees", "Commission", -0.0157m),
        }).ToList();
        var settlement = Settlement("USD", lines);

        var (journal, unmapped) = JournalBuilder.Build(settlement, Posting, new ChannelRules { DocumentPrefix = "AMZ" });

        Assert.Empty(unmapped);
        Assert.NotNull(journal);
        var debits = journal.Lines.Sum(l => decimal.Parse(l.Debit, CultureInfo.InvariantCulture));
        var credits = journal.Lines.Sum(l => decimal.Parse(l.Credit, CultureInfo.InvariantCulture));
        Assert.Equal(debits, credits);
        Assert.Equal(settlement.Header.TotalAmount, decimal.Parse(journal.Lines.Single(l => l.Account == "1010").Debit, CultureInfo.InvariantCulture));
        Assert.Equal(["1010", "2200", "4000", "6100"], journal.Lines.Select(l => l.Account).ToArray());
        Assert.Equal("99.90", journal.Lines.Single(l => l.Account == "2200").Credit);
        Assert.All(journal.Lines, l => Assert.True(l.Debit == "0.00" || l.Credit == "0.00"));
    }

    [Fact]
    public void The_rule_for_the_settlements_currency_wins_over_the_rule_for_any_currency()
    {
        var lines = new[] { Line(3, "ItemPrice", "Principal", 10m), Line(4, "ItemPrice", "Tax", 1.9m) };

        var euro = JournalBuilder.Build(Settlement("EUR", lines), Posting, new ChannelRules()).Journal!;
        var dollar = JournalBuilder.Build(Settlement("USD", lines), Posting, new ChannelRules()).Journal!;

        Assert.Equal("1.90", euro.Lines.Single(l => l.Account == "2210-VAT").Credit);
        Assert.DoesNotContain(dollar.Lines, l => l.Account == "2210-VAT");
        Assert.Equal(("EUR", "AMA-S1-EUR"), (euro.Currency, euro.DocumentNumber));
    }

    [Fact]
    public void A_line_without_a_rule_yields_no_journal_and_names_the_combination_and_lines()
    {
        var lines = new[] { Line(3, "ItemPrice", "Principal", 10m), Line(4, "Promotion", "Principal", -1m), Line(5, "Promotion", "Principal", -2m) };

        var (journal, unmapped) = JournalBuilder.Build(Settlement("USD", lines), Posting, new ChannelRules());

        Assert.Null(journal);
        var finding = Assert.Single(unmapped);
        Assert.Equal(("unmapped_posting", -3m), (finding.Result, finding.Actual));
        Assert.Equal([4, 5], finding.Lines);
    }

    [Fact]
    public void Document_numbers_are_derived_from_the_settlement_and_fit_35_characters()
    {
        var longId = new string('7', 60);

        var first = DocumentNumbers.For("amazon", "AMZ", longId, "USD");

        Assert.Equal("AMZ-12345678901-USD", DocumentNumbers.For("amazon", "AMZ", "12345678901", "USD"));
        Assert.Equal(35, first.Length);
        Assert.Equal(first, DocumentNumbers.For("amazon", "AMZ", longId, "USD"));
        Assert.NotEqual(first, DocumentNumbers.For("amazon", "AMZ", longId + "8", "USD"));
        Assert.StartsWith("AMZ-", first, StringComparison.Ordinal);
        Assert.EndsWith("-USD", first, StringComparison.Ordinal);
    }

    private static SettlementLine Line(int number, string amountType, string description, decimal amount) =>
        new(number, "111-1", "Order", amountType, description, amount, "SKU-1", null, null, null);

    private static CanonicalSettlement Settlement(string currency, IReadOnlyList<SettlementLine> lines) =>
        new(new SettlementHeader("amazon", "p", "S1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(14), null, currency, lines.Sum(l => l.Amount)), lines);
}
