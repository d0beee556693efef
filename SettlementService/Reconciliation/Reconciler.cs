using Distribution.Aspire.SettlementService.Domain;
using R = Distribution.Aspire.SettlementService.Domain.ReconciliationResults;

namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>
/// Reconciles a settlement line by line against what the platform knows, per order: the sale against the order's
/// total (less what earlier settlements already settled), refunds against received returns, every charge against the
/// expected fees; an order the platform never saw is <c>missing_order</c>, a line repeated in the report or a sale
/// settled before is <c>duplicate</c>. The header total must equal the sum of the lines exactly. Pure: the caller
/// loads the facts and stores the outcome.
/// </summary>
public static class Reconciler
{
    public static ReconciliationOutcome Reconcile(
        CanonicalSettlement settlement,
        IReadOnlyList<string> kinds,
        ChannelRules rules,
        IReadOnlyDictionary<string, OrderFacts> orders,
        IReadOnlyDictionary<string, PriorSettlement> prior)
    {
        var linesTotal = settlement.Lines.Sum(l => l.Amount);
        var findings = new List<Finding>();
        var lines = settlement.Lines.Select((line, i) => (Line: line, Kind: kinds[i])).ToList();

        foreach (var group in lines.Where(l => l.Line.OrderReference is not null).GroupBy(l => l.Line.OrderReference!, StringComparer.Ordinal))
        {
            var facts = orders.GetValueOrDefault(group.Key);
            findings.AddRange(ReconcileOrder(group.Key, [.. group], facts, prior.GetValueOrDefault(group.Key), settlement.Header, rules));
        }

        findings.AddRange(ReconcileUnattached([.. lines.Where(l => l.Line.OrderReference is null)], rules));
        return new ReconciliationOutcome([.. findings.OrderBy(f => f.Lines.Count == 0 ? int.MaxValue : f.Lines.Min())], linesTotal, linesTotal != settlement.Header.TotalAmount);
    }

    private static IEnumerable<Finding> ReconcileOrder(
        string reference, List<(SettlementLine Line, string Kind)> lines, OrderFacts? facts, PriorSettlement? prior, SettlementHeader header, ChannelRules rules)
    {
        var numbers = lines.Select(l => l.Line.LineNumber).ToList();
        var repeated = lines
            .GroupBy(l => (l.Line.TransactionType, l.Line.AmountType, l.Line.AmountDescription, l.Line.LineReference, l.Line.Sku))
            .Where(g => g.Count() > 1)
            .ToList();
        if (repeated.Count > 0)
        {
            var first = repeated[0].ToList();
            var extra = repeated.SelectMany(g => g.Skip(1)).Sum(l => l.Line.Amount);
            yield return new Finding(reference, R.Duplicate, null, extra,
                $"Order {reference} appears twice in the report: lines {string.Join(", ", first.Select(l => l.Line.LineNumber))} repeat {first[0].Line.TransactionType} {first[0].Line.AmountType}/{first[0].Line.AmountDescription}"
                + (repeated.Count > 1 ? $" (and {repeated.Count - 1} more repeated amounts)." : "."),
                numbers);
            yield break;
        }

        if (facts is null)
        {
            yield return new Finding(reference, R.MissingOrder, null, lines.Sum(l => l.Line.Amount),
                $"The platform never received order {reference} on this channel.", numbers);
            yield break;
        }

        var found = new List<Finding>();
        var sales = lines.Where(l => l.Kind == LineKinds.Sale).ToList();
        var refunds = lines.Where(l => l.Kind == LineKinds.Refund).ToList();
        decimal? matchedExpected = null;
        decimal? matchedActual = null;
        var matchedReason = "Nothing to compare: only charges, all as expected.";

        if (sales.Count > 0)
        {
            var actual = sales.Sum(l => l.Line.Amount);
            var saleLines = sales.Select(l => l.Line.LineNumber).ToList();
            var settledBefore = prior?.Sales ?? 0m;
            if (facts.Status == "cancelled")
            {
                found.Add(new Finding(reference, R.UnexpectedCharge, 0m, actual, $"Order {reference} was cancelled, yet the channel settled a sale of {F(actual)} for it.", saleLines));
            }
            else if (facts.Total is not { } total)
            {
                found.Add(new Finding(reference, R.AmountMismatch, null, actual, $"The order service had no prices for order {reference}; its sale of {F(actual)} cannot be compared.", saleLines));
            }
            else if (facts.Currency is { } currency && currency != header.Currency)
            {
                found.Add(new Finding(reference, R.AmountMismatch, total, actual, $"Order {reference} is in {currency}, the settlement in {header.Currency}.", saleLines));
            }
            else if (settledBefore != 0m && Within(settledBefore, total, rules, null))
            {
                found.Add(new Finding(reference, R.Duplicate, 0m, actual,
                    $"Order {reference} was already settled ({F(settledBefore)} in settlement {string.Join(", ", prior!.Settlements)}); this settles it again.", saleLines));
            }
            else if (Within(settledBefore + actual, total, rules, null) || (facts.Status == "partially_shipped" && settledBefore + actual < total))
            {
                // A split shipment settles in parts; the parts add up to the total. A part that alone equals the total is
                // a charge in full on top of what was paid before, not a match.
                (matchedExpected, matchedActual, matchedReason) = (total - settledBefore, actual, "The sale matches the order total.");
            }
            else
            {
                found.Add(new Finding(reference, R.AmountMismatch, total - settledBefore, actual,
                    settledBefore == 0m
                        ? $"The sale of {F(actual)} differs from the order total {F(total)}."
                        : $"The sale of {F(actual)} differs from the {F(total - settledBefore)} left of the order total {F(total)} after earlier settlements.",
                    saleLines));
            }

            var unknownSkus = sales.Select(l => l.Line.Sku).OfType<string>().Distinct(StringComparer.Ordinal).Where(s => facts.Skus.Count > 0 && !facts.Skus.Contains(s)).ToList();
            if (unknownSkus.Count > 0)
            {
                found.Add(new Finding(reference, R.AmountMismatch, null, sales.Where(l => unknownSkus.Contains(l.Line.Sku!)).Sum(l => l.Line.Amount),
                    $"SKU {string.Join(", ", unknownSkus)} is not on order {reference}.", [.. sales.Where(l => unknownSkus.Contains(l.Line.Sku!)).Select(l => l.Line.LineNumber)]));
            }
        }

        if (refunds.Count > 0)
        {
            var actual = refunds.Sum(l => l.Line.Amount);
            var refundLines = refunds.Select(l => l.Line.LineNumber).ToList();
            if (facts.Returns == 0)
            {
                found.Add(new Finding(reference, R.UnexpectedCharge, 0m, actual, $"A refund of {F(-actual)} for order {reference} without a received return.", refundLines));
            }
            else
            {
                var expected = -facts.ReturnedRefunds - (prior?.Refunds ?? 0m);
                if (Within(actual, expected, rules, null))
                {
                    matchedExpected ??= expected;
                    matchedActual ??= actual;
                    matchedReason = sales.Count > 0 ? "The sale matches the order total and the refund the returns." : "The refund matches the received returns.";
                }
                else
                {
                    found.Add(new Finding(reference, R.AmountMismatch, expected, actual,
                        $"The refund of {F(-actual)} differs from the {F(-expected)} the received returns call for.", refundLines));
                }
            }
        }

        foreach (var fee in lines.Where(l => l.Kind == LineKinds.Fee).GroupBy(l => (l.Line.TransactionType, l.Line.AmountType, l.Line.AmountDescription)))
        {
            found.AddRange(CheckFee(reference, [.. fee], lines, facts, rules));
        }

        if (found.Count > 0)
        {
            foreach (var finding in found)
            {
                yield return finding;
            }

            yield break;
        }

        yield return new Finding(reference, R.Matched, matchedExpected, matchedActual, matchedReason, numbers);
    }

    private static IEnumerable<Finding> CheckFee(
        string reference, List<(SettlementLine Line, string Kind)> fee, List<(SettlementLine Line, string Kind)> orderLines, OrderFacts facts, ChannelRules rules)
    {
        var (transaction, amountType, description) = (fee[0].Line.TransactionType, fee[0].Line.AmountType, fee[0].Line.AmountDescription);
        var actual = fee.Sum(l => l.Line.Amount);
        var numbers = fee.Select(l => l.Line.LineNumber).ToList();
        var candidates = rules.Fees.Where(f => !f.Unattached && Matches(f, transaction, amountType, description)).ToList();
        var model = candidates
            .Where(f => Patterns.Matches(f.FulfillmentChannel, facts.FulfillmentChannel ?? string.Empty))
            .OrderByDescending(f => Patterns.Specificity(f.TransactionType, f.AmountType, f.AmountDescription, f.FulfillmentChannel))
            .FirstOrDefault();
        if (model is null)
        {
            yield return new Finding(reference, R.UnexpectedCharge, null, actual,
                candidates.Count == 0
                    ? $"{transaction} {amountType}/{description} of {F(actual)} is not a fee the model expects."
                    : $"{transaction} {amountType}/{description} of {F(actual)} is not expected on a {facts.FulfillmentChannel}-fulfilled order.",
                numbers);
            yield break;
        }

        var baseNames = model.Base.Count > 0 ? model.Base : ["Principal"];
        var baseLines = orderLines.Where(l => l.Line.TransactionType.Equals(transaction, StringComparison.OrdinalIgnoreCase)
                                              && baseNames.Contains(l.Line.AmountDescription, StringComparer.OrdinalIgnoreCase)).ToList();
        var baseAmount = Math.Abs(baseLines.Sum(l => l.Line.Amount));
        var units = baseLines.GroupBy(l => l.Line.LineReference ?? l.Line.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Sum(g => g.Max(l => l.Line.Quantity ?? 0));
        var magnitude = Math.Round((model.Percent / 100m * baseAmount) + (model.PerUnit * units) + model.Fixed, 2, MidpointRounding.AwayFromZero);
        var expected = IsCredit(model) ? magnitude : -magnitude;
        if (!Within(actual, expected, rules, model.Tolerance))
        {
            yield return new Finding(reference, R.AmountMismatch, expected, actual,
                $"{transaction} {amountType}/{description} of {F(actual)} where {F(expected)} was expected.", numbers);
        }
    }

    private static IEnumerable<Finding> ReconcileUnattached(List<(SettlementLine Line, string Kind)> lines, ChannelRules rules)
    {
        var unexpected = new List<(SettlementLine Line, string Reason)>();
        foreach (var (line, kind) in lines)
        {
            if (kind == LineKinds.Other)
            {
                continue;
            }

            if (kind != LineKinds.Fee)
            {
                unexpected.Add((line, $"{line.TransactionType} {line.AmountType}/{line.AmountDescription} names no order."));
                continue;
            }

            var model = rules.Fees
                .Where(f => f.Unattached && Matches(f, line.TransactionType, line.AmountType, line.AmountDescription))
                .OrderByDescending(f => Patterns.Specificity(f.TransactionType, f.AmountType, f.AmountDescription))
                .FirstOrDefault();
            if (model is null)
            {
                unexpected.Add((line, $"{line.TransactionType} {line.AmountType}/{line.AmountDescription} is not a charge the model expects."));
                continue;
            }

            var expected = IsCredit(model) ? model.Fixed : -model.Fixed;
            if (!Within(line.Amount, expected, rules, model.Tolerance))
            {
                yield return new Finding(string.Empty, R.AmountMismatch, expected, line.Amount,
                    $"{line.TransactionType} {line.AmountType}/{line.AmountDescription} of {F(line.Amount)} where {F(expected)} was expected.", [line.LineNumber]);
            }
        }

        foreach (var group in unexpected.GroupBy(u => u.Reason, StringComparer.Ordinal))
        {
            yield return new Finding(string.Empty, R.UnexpectedCharge, null, group.Sum(u => u.Line.Amount), group.Key, [.. group.Select(u => u.Line.LineNumber)]);
        }
    }

    private static bool Matches(ExpectedFee fee, string transaction, string amountType, string description) =>
        Patterns.Matches(fee.TransactionType, transaction) && Patterns.Matches(fee.AmountType, amountType) && Patterns.Matches(fee.AmountDescription, description);

    private static bool IsCredit(ExpectedFee fee) => string.Equals(fee.Direction, "credit", StringComparison.OrdinalIgnoreCase);

    private static bool Within(decimal actual, decimal expected, ChannelRules rules, decimal? tolerance)
    {
        var allowed = tolerance ?? Math.Max(rules.ToleranceAmount, Math.Abs(expected) * rules.TolerancePercent / 100m);
        return Math.Abs(actual - expected) <= allowed;
    }

    private static string F(decimal amount) => SettlementValues.Format(amount);
}
