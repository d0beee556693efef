namespace Distribution.Aspire.SettlementService.Domain;

/// <summary>How reconciliation reads a settlement line.</summary>
public static class LineKinds
{
    /// <summary>Part of what the buyer paid for an order (item price, its tax, promotions): compared with the order's total.</summary>
    public const string Sale = "sale";

    /// <summary>Money paid back to the buyer: compared with the returns the platform received.</summary>
    public const string Refund = "refund";

    /// <summary>A charge by the channel: compared with the expected fees.</summary>
    public const string Fee = "fee";

    /// <summary>Posted, not reconciled (shipping charged to the buyer, withheld tax, reserve movements).</summary>
    public const string Other = "other";

    public static bool IsKnown(string kind) => kind is Sale or Refund or Fee or Other;
}
