namespace Distribution.Aspire.InventoryService;

/// <summary>Input rules shared by the gRPC, JSON and event entry points. Each refusal names a stable code.</summary>
public static class InventoryValidation
{
    /// <summary>Most lines one order may reserve; beyond that it is a mistake or an attack, not an order.</summary>
    public const int MaxLines = 1000;

    /// <summary>Largest quantity on one line, and largest on-hand a position may reach.</summary>
    public const int MaxQuantity = 1_000_000;

    public const int MaxOnHand = 1_000_000_000;

    private const int MaxIdLength = 64;
    private const int MaxReasonLength = 200;

    public static string Sku(string? sku) => Identifier(sku, InventoryErrors.InvalidSku, "sku");

    public static string LocationId(string? locationId) => Identifier(locationId, InventoryErrors.InvalidLocation, "locationId");

    public static string LineId(string? lineId) => Identifier(lineId, InventoryErrors.InvalidLineId, "lineId");

    /// <summary>Channels are tags on metrics and keys of allocations: short lowercase names.</summary>
    public static string Channel(string? channel)
    {
        if (string.IsNullOrEmpty(channel) || channel.Length > 32 || !channel.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
        {
            throw new InventoryException(InventoryErrors.InvalidChannel, "channel must be 1-32 characters of a-z, 0-9, '-' or '_'.");
        }

        return channel;
    }

    public static Guid OrderId(string? orderId) =>
        Guid.TryParse(orderId, out var id) && id != Guid.Empty
            ? id
            : throw new InventoryException(InventoryErrors.InvalidOrderId, "orderId must be a UUID.");

    public static int Quantity(int quantity, string what = "quantity") =>
        quantity is > 0 and <= MaxQuantity
            ? quantity
            : throw new InventoryException(InventoryErrors.InvalidQuantity, $"{what} must be between 1 and {MaxQuantity}.");

    public static string Reason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new InventoryException(InventoryErrors.MissingReason, "reason is required (receipt, damage, cycle_count, ...).")
        : reason.Length > MaxReasonLength ? throw new InventoryException(InventoryErrors.MissingReason, $"reason is at most {MaxReasonLength} characters.")
        : reason.Trim();

    public static string? Reference(string? reference) =>
        string.IsNullOrEmpty(reference) ? null
        : reference.Length > MaxReasonLength ? throw new InventoryException(InventoryErrors.InvalidAdjustment, $"reference is at most {MaxReasonLength} characters.")
        : reference;

    /// <summary>1 to <see cref="MaxLines"/> lines, unique non-empty line ids, well-formed SKUs, positive quantities.</summary>
    public static IReadOnlyList<OrderLine> Lines(IEnumerable<(string? LineId, string? Sku, int Quantity)> lines)
    {
        var result = new List<OrderLine>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (lineId, sku, quantity) in lines)
        {
            if (result.Count == MaxLines)
            {
                throw new InventoryException(InventoryErrors.TooManyLines, $"An order has at most {MaxLines} lines.");
            }

            var line = new OrderLine(LineId(lineId), Sku(sku), Quantity(quantity));
            if (!seen.Add(line.LineId))
            {
                throw new InventoryException(InventoryErrors.DuplicateLineId, $"Line id '{line.LineId}' appears more than once.");
            }

            result.Add(line);
        }

        return result.Count > 0 ? result : throw new InventoryException(InventoryErrors.NoLines, "An order needs at least one line.");
    }

    /// <summary>Printable ASCII without spaces, 1-64 characters: safe in keys, logs and URLs.</summary>
    private static string Identifier(string? value, string code, string name)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength || !value.All(c => c is > ' ' and < (char)127))
        {
            throw new InventoryException(code, $"{name} must be 1-{MaxIdLength} printable characters without spaces.");
        }

        return value;
    }
}
