namespace Distribution.Aspire.FulfillmentService.Domain;

/// <summary>
/// Canonical shipment milestones. The progress milestones (requested … delivered) are ordered: a shipment
/// only ever moves to a later one. <see cref="Exception"/> is a side state and <see cref="Cancelled"/> is
/// allowed only before goods left the node.
/// </summary>
public enum Milestone
{
    Requested,
    Acknowledged,
    Picked,
    Packed,
    Shipped,
    InTransit,
    OutForDelivery,
    Delivered,
    Exception,
    Cancelled,
}

public static class Milestones
{
    private static readonly Dictionary<Milestone, string> Wire = new()
    {
        [Milestone.Requested] = "requested",
        [Milestone.Acknowledged] = "acknowledged",
        [Milestone.Picked] = "picked",
        [Milestone.Packed] = "packed",
        [Milestone.Shipped] = "shipped",
        [Milestone.InTransit] = "in_transit",
        [Milestone.OutForDelivery] = "out_for_delivery",
        [Milestone.Delivered] = "delivered",
        [Milestone.Exception] = "exception",
        [Milestone.Cancelled] = "cancelled",
    };

    private static readonly Dictionary<string, Milestone> FromWire = Wire.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static string ToWire(this Milestone milestone) => Wire[milestone];

    public static Milestone Parse(string wire) => FromWire[wire];

    /// <summary>Requested … delivered: the milestones that rank, as opposed to the exception and cancelled side states.</summary>
    public static bool IsProgress(this Milestone milestone) => milestone <= Milestone.Delivered;

    /// <summary>True when goods have left the node (cancellation is no longer possible).</summary>
    public static bool HasShipped(this Milestone progress) => progress >= Milestone.Shipped && progress.IsProgress();
}
