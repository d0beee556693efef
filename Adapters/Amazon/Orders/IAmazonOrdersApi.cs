namespace Distribution.Aspire.Adapters.Amazon.Orders;

/// <summary>The Orders API operations the adapter needs, whichever API version serves them.</summary>
public interface IAmazonOrdersApi
{
    string Version { get; }

    /// <summary>The order with all its items, or null when Amazon does not know it.</summary>
    Task<AmazonOrder?> GetOrderAsync(string amazonOrderId, CancellationToken cancellationToken);

    /// <summary>Orders updated in [after, before], one page at a time.</summary>
    Task<AmazonOrdersPage> SearchUpdatedAsync(DateTimeOffset after, DateTimeOffset before, string? pageToken, CancellationToken cancellationToken);
}
