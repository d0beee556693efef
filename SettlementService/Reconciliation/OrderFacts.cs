namespace Distribution.Aspire.SettlementService.Reconciliation;

/// <summary>What the platform knows of one order, from its read model: the total the buyer owed, its SKUs, status and returns.</summary>
public sealed record OrderFacts(
    Guid OrderId,
    string ChannelOrderId,
    string? FulfillmentChannel,
    string? Currency,
    decimal? Total,
    string Status,
    IReadOnlySet<string> Skus,
    int Returns,
    decimal ReturnedRefunds);

/// <summary>What earlier settlements of the channel already settled for an order (sales positive, refunds negative).</summary>
public sealed record PriorSettlement(decimal Sales, decimal Refunds, IReadOnlyList<string> Settlements);

/// <summary>One reconciliation result: for an order (or, with an empty reference, for charges not tied to an order).</summary>
public sealed record Finding(string OrderReference, string Result, decimal? Expected, decimal? Actual, string Reason, IReadOnlyList<int> Lines);

public sealed record ReconciliationOutcome(IReadOnlyList<Finding> Findings, decimal LinesTotal, bool HeaderTotalMismatch);
