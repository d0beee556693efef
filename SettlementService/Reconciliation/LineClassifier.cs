using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>Reads each line as sale, refund, fee or other by the channel's <see cref="ChannelRules.LineKinds"/>; unnamed lines are charges.</summary>
public static class LineClassifier
{
    public static string Classify(ChannelRules rules, SettlementLine line) =>
        rules.LineKinds
            .Where(r => Patterns.Matches(r.TransactionType, line.TransactionType)
                        && Patterns.Matches(r.AmountType, line.AmountType)
                        && Patterns.Matches(r.AmountDescription, line.AmountDescription))
            .OrderByDescending(r => Patterns.Specificity(r.TransactionType, r.AmountType, r.AmountDescription))
            .FirstOrDefault()?.Kind ?? LineKinds.Fee;

    public static string[] Classify(ChannelRules rules, IReadOnlyList<SettlementLine> lines)
    {
        var known = new Dictionary<(string, string, string), string>();
        return [.. lines.Select(line =>
        {
            var key = (line.TransactionType, line.AmountType, line.AmountDescription);
            if (!known.TryGetValue(key, out var kind))
            {
                known[key] = kind = Classify(rules, line);
            }

            return kind;
        })];
    }
}
