namespace Distribution.Aspire.Adapters.Shopify.Payouts;

/// <summary>Settings under <c>Shopify:Payouts</c>: how often Shopify Payments payouts are read and where they go.</summary>
public sealed class PayoutOptions
{
    public const string SectionName = "Shopify:Payouts";

    /// <summary>Zero turns the poller off. Shopify pays out daily at most, so an hour is plenty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The settlement service's gRPC endpoint (service discovery picks its HTTP/2 port).</summary>
    public Uri SettlementsAddress { get; set; } = new("http://_grpc.settlementservice");

    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The gateway's partner for the shop; when empty, the partner of the shop's orders seen in webhooks.</summary>
    public string? PartnerId { get; set; }

    /// <summary>Payouts paid before this many days ago are not read on the first run.</summary>
    public int InitialLookbackDays { get; set; } = 30;
}
