namespace Distribution.Aspire.Adapters.Sandbox.Shopify.Payouts;

/// <summary>Settings under <c>Sandbox:Shopify:Payouts</c>: Shopify Payments' processing fee on each charge.</summary>
public sealed class PayoutOptions
{
    public const string SectionName = "Sandbox:Shopify:Payouts";

    /// <summary>Percent of the charge (2.9 on Shopify's basic plan in the US).</summary>
    public decimal FeePercent { get; set; } = 2.9m;

    /// <summary>Per charge, in the shop currency.</summary>
    public decimal FeeFixed { get; set; } = 0.30m;
}
