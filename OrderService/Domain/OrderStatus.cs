namespace Distribution.Aspire.OrderService.Domain;

public enum OrderStatus
{
    Received,
    Reserved,
    Backordered,
    Accepted,
    Released,
    PartiallyShipped,
    Shipped,
    Delivered,
    Cancelled,
    Returned,
}

/// <summary>The status strings of the v1 partner contract; they are also what the database stores.</summary>
public static class OrderStatuses
{
    private static readonly Dictionary<OrderStatus, string> Names = new()
    {
        [OrderStatus.Received] = "received",
        [OrderStatus.Reserved] = "reserved",
        [OrderStatus.Backordered] = "backordered",
        [OrderStatus.Accepted] = "accepted",
        [OrderStatus.Released] = "released",
        [OrderStatus.PartiallyShipped] = "partially_shipped",
        [OrderStatus.Shipped] = "shipped",
        [OrderStatus.Delivered] = "delivered",
        [OrderStatus.Cancelled] = "cancelled",
        [OrderStatus.Returned] = "returned",
    };

    private static readonly Dictionary<string, OrderStatus> ByName = Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<OrderStatus> All { get; } = Enum.GetValues<OrderStatus>();

    public static string ToWire(this OrderStatus status) => Names[status];

    public static bool TryParse(string? name, out OrderStatus status) => ByName.TryGetValue(name ?? string.Empty, out status);

    public static OrderStatus Parse(string name) =>
        TryParse(name, out var status) ? status : throw new InvalidOperationException($"Unknown order status '{name}' in the database.");
}
