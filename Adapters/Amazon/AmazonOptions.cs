namespace Distribution.Aspire.Adapters.Amazon;

/// <summary>The adapter's settings (section <c>Amazon</c>). Defaults suit the local sandbox.</summary>
public sealed class AmazonOptions
{
    public const string SectionName = "Amazon";

    /// <summary>The channel name on canonical orders, in availability events and on metrics.</summary>
    public const string Channel = "amazon";
    public const string OrdersV0 = "v0";
    public const string Orders20260101 = "2026-01-01";
    public const string QuantitiesByListings = "listings";
    public const string QuantitiesByFeed = "feed";

    /// <summary>SP-API regional endpoint, or the sandbox (<c>http://_http.sandbox</c> through service discovery).</summary>
    public string SpApiBaseUrl { get; set; } = "http://_http.sandbox";

    /// <summary>Login-with-Amazon access token sent as <c>x-amz-access-token</c>; the sandbox needs none.</summary>
    public string? AccessToken { get; set; }

    public string SellerId { get; set; } = "A3SANDBOXSELLER";

    public string MarketplaceId { get; set; } = "ATVPDKIKX0DER";

    /// <summary>Orders API used to fetch orders: <c>v0</c> (retired 2027-03-27) or <c>2026-01-01</c>.</summary>
    public string OrdersApiVersion { get; set; } = OrdersV0;

    /// <summary>The partner orders found by the backup poll belong to (notifications carry theirs from the gateway).</summary>
    public string PartnerId { get; set; } = "amazon";

    public string OrderServiceAddress { get; set; } = "http://_grpc.orderservice";

    /// <summary>Largest notification body accepted; SP-API notifications are a few kilobytes.</summary>
    public int MaxNotificationBytes { get; set; } = 256 * 1024;

    public bool ProcessNotifications { get; set; } = true;

    public int NotificationBatchSize { get; set; } = 20;

    /// <summary>How long a worker owns a claimed row; a crashed worker's rows are taken up again after it.</summary>
    public int LeaseSeconds { get; set; } = 120;

    public int MaxRetryDelaySeconds { get; set; } = 300;

    public int IdlePollMilliseconds { get; set; } = 1000;

    public bool BackupPollEnabled { get; set; } = true;

    public int BackupPollIntervalSeconds { get; set; } = 300;

    /// <summary>Where the first poll starts, looking back from now.</summary>
    public int BackupPollInitialLookbackMinutes { get; set; } = 60;

    /// <summary>SP-API wants LastUpdatedBefore at least two minutes in the past; the window closes that far back.</summary>
    public int BackupPollSettleSeconds { get; set; } = 120;

    /// <summary><c>listings</c> (patchListingsItem per SKU) or <c>feed</c> (batched JSON_LISTINGS_FEED).</summary>
    public string QuantityUpdateMode { get; set; } = QuantitiesByListings;

    /// <summary><see cref="QuantityUpdateMode"/> in one spelling (<c>feed</c> or <c>listings</c>, whatever the configured case), for the sender and the metrics.</summary>
    public string QuantityMode =>
        string.Equals(QuantityUpdateMode, QuantitiesByFeed, StringComparison.OrdinalIgnoreCase) ? QuantitiesByFeed : QuantitiesByListings;

    public bool SendOutbound { get; set; } = true;

    public string ProductType { get; set; } = "PRODUCT";

    public string FulfillmentChannelCode { get; set; } = "DEFAULT";

    public int QuantityBatchSize { get; set; } = 50;

    public int FeedBatchSize { get; set; } = 1000;

    public SpApiHttpOptions Http { get; set; } = new();
}

public sealed class SpApiHttpOptions
{
    public int AttemptTimeoutSeconds { get; set; } = 20;

    public int MaxRetryAttempts { get; set; } = 4;

    public int RetryBaseDelayMilliseconds { get; set; } = 1000;

    public int CircuitBreakSeconds { get; set; } = 15;
}
