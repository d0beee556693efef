using System.Collections.Concurrent;
using System.Globalization;

namespace Distribution.Aspire.Adapters.Sandbox.Amazon;

/// <summary>What the simulated Amazon knows: orders, the quantities it was told per SKU, feeds, shipments, and call counts.</summary>
public sealed class AmazonSandboxState(TimeProvider time)
{
    private long _sequence;

    public ConcurrentDictionary<string, SandboxOrder> Orders { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, ListedQuantity> Quantities { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string?> FeedDocuments { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, SandboxFeed> Feeds { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<ShipmentConfirmation> Shipments { get; } = new();

    public ConcurrentDictionary<string, OperationStats> Calls { get; } = new(StringComparer.Ordinal);

    public TimeProvider Time { get; } = time;

    public string NextId(string format)
    {
        var n = Interlocked.Increment(ref _sequence);
        return string.Format(CultureInfo.InvariantCulture, format, n);
    }

    public SandboxOrder PlaceOrder(bool fulfilledByAmazon, IReadOnlyList<(string Sku, int Quantity, decimal UnitPrice)> lines, string marketplaceId, string currency, string status = "Unshipped")
    {
        var now = Time.GetUtcNow();
        var n = Interlocked.Increment(ref _sequence);
        var order = new SandboxOrder
        {
            AmazonOrderId = string.Create(CultureInfo.InvariantCulture, $"114-{Random.Shared.Next(1_000_000, 9_999_999)}-{n % 10_000_000:0000000}"),
            FulfilledByAmazon = fulfilledByAmazon,
            MarketplaceId = marketplaceId,
            Currency = currency,
            PurchaseDate = now,
            LastUpdated = now,
            Status = status,
            ShipTo = new SandboxAddress("Sandbox Buyer", $"{n} Test Street", "Seattle", "WA", "98101", "US"),
            Items = lines.Select((line, i) => new SandboxOrderItem(
                string.Create(CultureInfo.InvariantCulture, $"{n:00000000}{i:000000}"),
                line.Sku,
                line.Quantity,
                line.UnitPrice,
                Math.Round(line.UnitPrice * line.Quantity * 0.1m, 2),
                0m)).ToList(),
        };
        Orders[order.AmazonOrderId] = order;
        return order;
    }

    public OperationStats StatsFor(string operation) => Calls.GetOrAdd(operation, _ => new OperationStats());
}

public sealed record ListedQuantity(int Quantity, DateTimeOffset UpdatedAt, string Via, int Updates);

public sealed record SandboxFeed(string FeedId, string FeedType, string DocumentId, string ProcessingStatus, DateTimeOffset CreatedTime, string? Document);

public sealed record ShipmentConfirmation(string AmazonOrderId, string MarketplaceId, string CarrierCode, string? CarrierName, string TrackingNumber, IReadOnlyList<ShippedItem> Items);

public sealed record ShippedItem(string OrderItemId, int Quantity);

public sealed class OperationStats
{
    private long _served;
    private long _throttled;
    private long _faulted;

    public long Served => Interlocked.Read(ref _served);

    public long Throttled => Interlocked.Read(ref _throttled);

    public long Faulted => Interlocked.Read(ref _faulted);

    public void CountServed() => Interlocked.Increment(ref _served);

    public void CountThrottled() => Interlocked.Increment(ref _throttled);

    public void CountFaulted() => Interlocked.Increment(ref _faulted);
}
