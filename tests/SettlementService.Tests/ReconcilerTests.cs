using Distribution.Aspire.SettlementService.Domain;
using Distribution.Aspire.SettlementService.Reconciliation;

namespace Distribution.Aspire.SettlementService.Tests;

/// <summary>The reconciliation rules on their own, for a sale of one order against what earlier settlements paid.</summary>
public sealed class ReconcilerTests
{
    private const string Order = "111-0000001-0000001";

    [Fact]
    public void A_charge_in_full_after_a_part_was_settled_is_a_mismatch()
    {
        var finding = ReconcileSale(100.00m, status: "partially_shipped", total: 100.00m, settledBefore: 60.00m);

        Assert.Equal(ReconciliationResults.AmountMismatch, finding.Result);
        Assert.Equal(40.00m, finding.Expected);
    }

    [Fact]
    public void The_rest_of_a_split_settlement_matches_what_was_left()
    {
        var finding = ReconcileSale(40.00m, status: "shipped", total: 100.00m, settledBefore: 60.00m);

        Assert.Equal(ReconciliationResults.Matched, finding.Result);
    }

    [Fact]
    public void A_part_of_a_partially_shipped_order_matches_and_a_full_sale_of_a_new_order_too()
    {
        Assert.Equal(ReconciliationResults.Matched, ReconcileSale(60.00m, status: "partially_shipped", total: 100.00m, settledBefore: 0m).Result);
        Assert.Equal(ReconciliationResults.Matched, ReconcileSale(100.00m, status: "shipped", total: 100.00m, settledBefore: 0m).Result);
    }

    private static Finding ReconcileSale(decimal sale, string status, decimal total, decimal settledBefore)
    {
        var line = new SettlementLine(1, Order, "Order", "ItemPrice", "Principal", sale, "SKU-1", 1, null, "S-1");
        var settlement = new CanonicalSettlement(
            new SettlementHeader("amazon", "p", "S2", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(14), null, "USD", sale), [line]);
        var orders = new Dictionary<string, OrderFacts>
        {
            [Order] = new(Guid.NewGuid(), Order, "merchant", "USD", total, status, new HashSet<string> { "SKU-1" }, 0, 0m),
        };
        var prior = settledBefore == 0m
            ? new Dictionary<string, PriorSettlement>()
            : new Dictionary<string, PriorSettlement> { [Order] = new(settledBefore, 0m, ["S1"]) };

        var outcome = Reconciler.Reconcile(settlement, [LineKinds.Sale], new ChannelRules(), orders, prior);

        return Assert.Single(outcome.Findings);
    }
}
