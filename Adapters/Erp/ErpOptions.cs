namespace Distribution.Aspire.Adapters.Erp;

/// <summary>The <c>Erp</c> section: where the ERP is and who we are to it, the outbound queue's pace, the item sync.</summary>
public sealed class ErpOptions
{
    public const string SectionName = "Erp";

    /// <summary>The ERP's API root (BC: <c>https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}/api/v2.0/</c>).</summary>
    public string ApiBaseUrl { get; set; } = "http://_http.sandbox/erp/api/v2.0/";

    /// <summary>OAuth 2.0 token endpoint for the client-credentials grant; no client secret means no authentication.</summary>
    public string TokenUrl { get; set; } = "http://_http.sandbox/erp/oauth2/token";

    public string ClientId { get; set; } = "distribution-erp-adapter";

    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Sent as <c>scope</c> when set (BC: <c>https://api.businesscentral.dynamics.com/.default</c>).</summary>
    public string? Scope { get; set; }

    public Guid CompanyId { get; set; } = Guid.Parse("7d4cbc36-1e5b-4c42-8a5f-1f0c2b6a9e01");

    /// <summary>The general journal batch settlement journals are posted into.</summary>
    public Guid JournalId { get; set; } = Guid.Parse("0b8e3f52-6a7d-4e1c-9b2a-3c5d7e9f1a02");

    /// <summary>The ERP's customer number per channel for shipments and returns; a channel not listed is its name in upper case.</summary>
    public Dictionary<string, string> Customers { get; set; } = new(StringComparer.Ordinal);

    public string InventoryAddress { get; set; } = "http://_grpc.inventoryservice";

    /// <summary>Turns the outbound sender off (a replica that only takes events, or tests that look at the queue).</summary>
    public bool SendPostings { get; set; } = true;

    public int PollMilliseconds { get; set; } = 500;

    /// <summary>How long a claimed posting is ours; never less than the whole HTTP pipeline may take (plus a margin).</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Back-off of the durable queue: first retry after this, doubling up to <see cref="RetryMaxSeconds"/>.</summary>
    public int RetryBaseMilliseconds { get; set; } = 1000;

    public int RetryMaxSeconds { get; set; } = 300;

    /// <summary>Seconds between item-master syncs; 0 syncs only when an operator asks.</summary>
    public int ItemSyncIntervalSeconds { get; set; } = 300;

    public int ItemSyncRetrySeconds { get; set; } = 30;

    /// <summary>Items per ERP page we ask for (<c>Prefer: odata.maxpagesize</c>); the ERP may send fewer.</summary>
    public int ItemPageSize { get; set; } = 200;

    public ErpHttpOptions Http { get; set; } = new();

    public string CustomerFor(string channel) =>
        Customers.TryGetValue(channel, out var customer) ? customer : channel.ToUpperInvariant()[..Math.Min(channel.Length, 20)];
}

/// <summary>The resilience of calls to the ERP; the durable queue retries beyond these.</summary>
public sealed class ErpHttpOptions
{
    public int AttemptTimeoutSeconds { get; set; } = 30;

    public int MaxRetryAttempts { get; set; } = 2;

    public int RetryBaseDelayMilliseconds { get; set; } = 500;

    /// <summary>The longest Retry-After waited for in place; a longer one is left to the queue.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 30;

    public int CircuitBreakSeconds { get; set; } = 15;
}
