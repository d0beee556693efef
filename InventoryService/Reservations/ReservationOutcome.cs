using Distribution.Aspire.Contracts.Events.Orders;

namespace Distribution.Aspire.InventoryService.Reservations;

public enum ReservationStatus
{
    Reserved,
    Backordered,
    Cancelled,
}

/// <summary>
/// What an order holds, or why it holds nothing. <see cref="Repeated"/>: the order id was seen before and
/// this is its recorded outcome (the first one, or the backorder fill that replaced it).
/// </summary>
public sealed record ReservationOutcome(ReservationStatus Status, IReadOnlyList<AllocatedLine> Allocations, IReadOnlyList<ShortLine> Shortages, bool Repeated);

/// <summary>What a shipment took from the order's reservations; <see cref="Repeated"/> when the shipment id was committed before.</summary>
public sealed record CommitOutcome(IReadOnlyList<AllocatedLine> Committed, bool Repeated);
