namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>
/// The <c>Sandbox:Erp</c> section: the simulated ERP (modelled on Dynamics 365 Business Central's API v2.0): its
/// company and journal, the client it issues tokens to, the chart of accounts, the item master and its faults.
/// </summary>
public sealed class ErpSandboxOptions
{
    public const string SectionName = "Sandbox:Erp";

    public static readonly Guid DefaultCompanyId = Guid.Parse("7d4cbc36-1e5b-4c42-8a5f-1f0c2b6a9e01");
    public static readonly Guid DefaultJournalId = Guid.Parse("0b8e3f52-6a7d-4e1c-9b2a-3c5d7e9f1a02");

    public Guid CompanyId { get; set; } = DefaultCompanyId;

    public string CompanyName { get; set; } = "CRONUS Distribution";

    /// <summary>The general journal batch settlements are posted into.</summary>
    public Guid JournalId { get; set; } = DefaultJournalId;

    public string JournalCode { get; set; } = "SETTLEMENT";

    /// <summary>OAuth client credentials the token endpoint accepts; an empty secret turns authentication off.</summary>
    public string ClientId { get; set; } = "distribution-erp-adapter";

    public string ClientSecret { get; set; } = string.Empty;

    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>Server-driven page size of collections (BC answers with <c>@odata.nextLink</c> beyond it).</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>G/L accounts by number (value: display name). Empty: the default distributor chart.</summary>
    public Dictionary<string, string> Accounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Seeds the item master with the SKUs the other sandboxes sell (SKU-1..3, SKU-0001..0010).</summary>
    public bool SeedItems { get; set; } = true;

    /// <summary>Extra generated items (ITEM-00001...), e.g. to see paging.</summary>
    public int GeneratedItems { get; set; }

    public ErpFaults Faults { get; set; } = new();

    /// <summary>
    /// A small distributor's chart: bank, marketplace clearing and reserves, tax, sales, promotions, refunds, cost of
    /// goods and fees, under the account numbers SettlementService's posting rules name (Settlements:Posting:Rules).
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultChart { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["1010-BANK"] = "Bank",
        ["1205-AMAZON-CLEARING"] = "Amazon clearing",
        ["1210-SHOPIFY-CLEARING"] = "Shopify clearing",
        ["1300-RESERVES"] = "Marketplace reserves",
        ["2200-SALES-TAX"] = "Sales tax payable",
        ["4000-SALES"] = "Product sales",
        ["4010-SHIPPING-INCOME"] = "Shipping income",
        ["4050-PROMOTIONS"] = "Promotions",
        ["4090-REFUNDS"] = "Sales returns and refunds",
        ["5000-COGS"] = "Cost of goods sold",
        ["6100-MARKETPLACE-FEES"] = "Marketplace commissions",
        ["6110-FULFILLMENT-FEES"] = "Fulfillment fees",
        ["6120-PAYMENT-FEES"] = "Payment processing fees",
        ["6190-SUBSCRIPTIONS"] = "Marketplace subscriptions",
        ["6900-OTHER-EXPENSES"] = "Other expenses",
    };
}

/// <summary>
/// Faults on the ERP's API (<c>/erp/api/...</c>), each "next N" counted down per matching request. <see cref="Only"/>
/// narrows them to <c>posts</c> (POSTs) or <c>reads</c> (GETs). Timeouts and dropped responses after the commit
/// are the ambiguous failures: the ERP took the document, the caller cannot know.
/// </summary>
public sealed class ErpFaults
{
    public string? Only { get; set; }

    public int LatencyMilliseconds { get; set; }

    /// <summary>Every request answers 503 until switched off.</summary>
    public bool Down { get; set; }

    /// <summary>The next N requests answer <see cref="FailStatus"/> (500, 502, 503 or 504) without doing anything.</summary>
    public int FailNext { get; set; }

    public int FailStatus { get; set; } = 500;

    /// <summary>The next N requests answer 429 with <c>Retry-After: RetryAfterSeconds</c>.</summary>
    public int ThrottleNext { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The next N requests hang for <see cref="HangSeconds"/> without doing anything.</summary>
    public int TimeoutNext { get; set; }

    /// <summary>The next N requests do their work (a post commits), then hang for <see cref="HangSeconds"/>.</summary>
    public int CommitThenTimeoutNext { get; set; }

    /// <summary>The next N requests do their work (a post commits), then the connection is dropped without an answer.</summary>
    public int DropResponseNext { get; set; }

    public int HangSeconds { get; set; } = 100;

    public ErpFaults Copy() => (ErpFaults)MemberwiseClone();
}
