using Distribution.Aspire.Contracts.Events.Settlements;
using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Reconciliation;

namespace Distribution.Aspire.SettlementService.Posting;

public sealed record PostingOutcome(JournalEntry? Journal, IReadOnlyList<Finding> Unmapped);

/// <summary>
/// Turns a settlement's lines into one journal entry per currency by the posting rules. Each line debits and credits
/// its rule's accounts by the same amount (sides swapped for a negative amount), so the entry balances by
/// construction; it is still checked, in exact decimals, before it leaves. Lines net per account. A line no rule
/// covers makes the whole settlement an exception (<c>unmapped_posting</c>): nothing is guessed, nothing is posted.
/// </summary>
public static class JournalBuilder
{
    public static PostingOutcome Build(CanonicalSettlement settlement, PostingOptions posting, ChannelRules rules)
    {
        var header = settlement.Header;
        var net = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        var sources = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var unmapped = new Dictionary<(string, string, string), (List<int> Lines, decimal Sum)>();
        var rulesByKind = new Dictionary<(string, string, string), PostingRule?>();
        foreach (var line in settlement.Lines)
        {
            var kind = (line.TransactionType, line.AmountType, line.AmountDescription);
            if (!rulesByKind.TryGetValue(kind, out var rule))
            {
                rulesByKind[kind] = rule = RuleFor(posting, header, line);
            }

            if (rule is null)
            {
                var (numbers, sum) = unmapped.TryGetValue(kind, out var seen) ? seen : ([], 0m);
                numbers.Add(line.LineNumber);
                unmapped[kind] = (numbers, sum + line.Amount);
                continue;
            }

            var source = $"{line.TransactionType} {line.AmountType}/{line.AmountDescription}";
            Add(net, sources, rule.Debit, line.Amount, source);
            Add(net, sources, rule.Credit, -line.Amount, source);
        }

        if (unmapped.Count > 0)
        {
            return new PostingOutcome(null, [.. unmapped.Select(u => new Finding(string.Empty, ReconciliationResults.UnmappedPosting, null, u.Value.Sum,
                $"No posting rule for {header.Channel} {header.Currency} {u.Key.Item1} {u.Key.Item2}/{u.Key.Item3}.", u.Value.Lines))]);
        }

        var deposit = posting.Deposits
            .Where(d => Patterns.Matches(d.Channel, header.Channel) && Patterns.Matches(d.Currency, header.Currency))
            .OrderByDescending(d => Patterns.Specificity(d.Channel, d.Currency))
            .FirstOrDefault();
        if (deposit is not null)
        {
            Add(net, sources, deposit.Debit, header.TotalAmount, "deposit");
            Add(net, sources, deposit.Credit, -header.TotalAmount, "deposit");
        }

        var lines = net.Where(a => a.Value != 0m).Select(a => new JournalLine(
            a.Key,
            SettlementValues.Format(a.Value > 0 ? a.Value : 0m),
            SettlementValues.Format(a.Value < 0 ? -a.Value : 0m),
            Describe(sources[a.Key]),
            null)).ToList();
        var debits = net.Values.Where(v => v > 0).Sum();
        var credits = -net.Values.Where(v => v < 0).Sum();
        if (debits != credits)
        {
            // Cannot happen with two-sided rules; a bug here must never reach the ledger.
            throw new InvalidOperationException($"Journal for {header.Channel} settlement {header.ExternalId} does not balance: {debits} debit, {credits} credit.");
        }

        if (lines.Count == 0)
        {
            return new PostingOutcome(null, []);
        }

        var number = DocumentNumbers.For(header.Channel, rules.DocumentPrefix, header.ExternalId, header.Currency);
        var postingDate = DateOnly.FromDateTime((header.DepositDate ?? header.PeriodEnd).UtcDateTime);
        var description = $"{header.Channel} settlement {header.ExternalId} ({header.PeriodStart:yyyy-MM-dd} to {header.PeriodEnd:yyyy-MM-dd})";
        return new PostingOutcome(new JournalEntry(number, postingDate, header.Currency, description, lines), []);
    }

    private static PostingRule? RuleFor(PostingOptions posting, SettlementHeader header, SettlementLine line) =>
        posting.Rules
            .Where(r => Patterns.Matches(r.Channel, header.Channel) && Patterns.Matches(r.Currency, header.Currency)
                        && Patterns.Matches(r.TransactionType, line.TransactionType) && Patterns.Matches(r.AmountType, line.AmountType)
                        && Patterns.Matches(r.AmountDescription, line.AmountDescription))
            .OrderByDescending(r => Patterns.Specificity(r.TransactionType, r.AmountType, r.AmountDescription, r.Currency, r.Channel))
            .FirstOrDefault();

    private static void Add(SortedDictionary<string, decimal> net, Dictionary<string, SortedSet<string>> sources, string account, decimal amount, string source)
    {
        net[account] = net.GetValueOrDefault(account) + amount;
        if (!sources.TryGetValue(account, out var set))
        {
            sources[account] = set = new SortedSet<string>(StringComparer.Ordinal);
        }

        set.Add(source);
    }

    private static string Describe(SortedSet<string> sources)
    {
        var text = string.Join(", ", sources.Take(4)) + (sources.Count > 4 ? $" and {sources.Count - 4} more" : string.Empty);
        return text.Length <= 200 ? text : text[..200];
    }
}
