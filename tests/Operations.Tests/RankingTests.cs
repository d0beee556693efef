using Distribution.Aspire.Operations.Exceptions;
using Distribution.Aspire.Operations.Partners;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Operations.Tests;

/// <summary>How exceptions rank and how an SLA is judged, on the services' recorded shapes.</summary>
public sealed class RankingTests
{
    [Fact]
    public void Settlement_mismatches_are_critical_and_refused_settlement_reports_high()
    {
        var mismatches = ExceptionSources.Find("settlementservice", "settlement-mismatch")!;
        var reports = ExceptionSources.Find("settlementservice", "settlement-report")!;

        var mismatch = mismatches.Map(mismatches, RecordedShapes.SettlementMismatch());
        var report = reports.Map(reports, RecordedShapes.SettlementReport());

        Assert.Equal(ExceptionPriority.Critical, mismatch.Priority);
        Assert.Equal("amount_mismatch", mismatch.Code);
        Assert.Equal("The sale differs from the order total. (expected 39.98, actual 29.98)", mismatch.Reason);
        Assert.Equal("114-3941689-8772232", mismatch.Reference);
        Assert.True(mismatch.Concerns(Guid.NewGuid().ToString(), "114-3941689-8772232"));
        Assert.Equal(ExceptionPriority.High, report.Priority);
        Assert.Equal("amazon-partner", report.PartnerId);
    }

    [Fact]
    public void An_SLA_breach_is_high_and_names_the_order_and_partner()
    {
        var source = ExceptionSources.Find("orderservice", "sla")!;
        var orderId = Guid.NewGuid().ToString();
        var item = new System.Text.Json.Nodes.JsonObject
        {
            ["breachId"] = "0193a4e2-0000-7000-8000-000000000001", ["orderId"] = orderId, ["partnerId"] = "acme", ["channel"] = "b2b",
            ["subject"] = orderId, ["reference"] = "PO-1001", ["sla"] = "release_latency", ["measuredSeconds"] = 1260.5, ["thresholdSeconds"] = 900.0,
            ["raisedAt"] = "2026-11-28T10:00:00Z",
        };

        var breach = source.Map(source, item);

        Assert.Equal(ExceptionPriority.High, breach.Priority);
        Assert.Equal("sla_release_latency", breach.Code);
        Assert.Equal("Measured 1260.5 s against the partner's SLA of 900 s", breach.Reason);
        Assert.Equal("acme", breach.PartnerId);
        Assert.True(breach.Concerns(orderId, "PO-1001"));
        Assert.True(source.Statusless);
    }

    [Fact]
    public void Priority_comes_first_then_overdue_then_the_longest_waiting()
    {
        var now = DateTimeOffset.UtcNow;
        OperatorException Item(string id, ExceptionPriority priority, int hoursAgo, bool overdue = false) => new()
        {
            Service = "s", Source = "s", Id = id, Priority = priority, Code = "c", Reason = "r", RaisedAt = now.AddHours(-hoursAgo), Overdue = overdue,
        };

        var ranked = ExceptionBoard.Rank([Item("normal-old", ExceptionPriority.Normal, 50), Item("critical-new", ExceptionPriority.Critical, 1),
            Item("critical-overdue", ExceptionPriority.Critical, 0, overdue: true), Item("critical-old", ExceptionPriority.Critical, 9)]);

        Assert.Equal(["critical-overdue", "critical-old", "critical-new", "normal-old"], ranked.Select(i => i.Id));
    }

    [Fact]
    public void A_partners_own_thresholds_win_and_the_default_fills_in_the_rest()
    {
        var policy = new SlaPolicy(Options.Create(new OperationsOptions
        {
            Sla =
            {
                ["default"] = new SlaThresholds { MaxErrorsPerHour = 100, MaxOpenExceptions = 2 },
                ["strict"] = new SlaThresholds { MaxErrorsPerHour = 1 },
            },
        }));

        var strict = policy.Evaluate("strict", errorsLastHour: 5, openExceptions: 3, TimeSpan.FromHours(1));
        var relaxed = policy.Evaluate("other", errorsLastHour: 5, openExceptions: 2, TimeSpan.FromDays(30));

        Assert.Equal("breached", strict.State);
        Assert.Equal(["5 errors in the last hour (at most 1)", "3 open exceptions (at most 2)"], strict.Breaches);
        Assert.Equal("ok", relaxed.State);
    }

    [Fact]
    public void Without_any_threshold_a_partner_has_no_sla_state()
    {
        var policy = new SlaPolicy(Options.Create(new OperationsOptions()));

        Assert.Equal("none", policy.Evaluate("anyone", 1000, 1000, TimeSpan.FromDays(300)).State);
    }
}
