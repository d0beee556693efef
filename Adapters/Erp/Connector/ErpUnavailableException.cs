namespace Distribution.Aspire.Adapters.Erp.Connector;

/// <summary>
/// A failure that passes (outage, 5xx, timeout, throttling, credentials being fixed): the work waits in the queue.
/// <see cref="MayHavePosted"/> says whether the ERP may have taken the document anyway (a timeout, a lost answer,
/// a 5xx after the commit): then the next attempt looks the document up before posting again.
/// </summary>
public sealed class ErpUnavailableException(string reason, bool mayHavePosted, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(reason, inner)
{
    public bool MayHavePosted { get; } = mayHavePosted;

    /// <summary>When the ERP said when to come back (429 Retry-After).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Low-cardinality reason for metrics: throttled, server_error, timeout, connection, unauthorized, not_found, ...</summary>
    public string Category { get; init; } = "unavailable";
}
