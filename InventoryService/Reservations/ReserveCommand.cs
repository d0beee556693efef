namespace Distribution.Aspire.InventoryService.Reservations;

/// <summary>Reserve every line of an order; priority and received-at order it in the backorder queue if it is short.</summary>
public sealed record ReserveCommand(Guid OrderId, string Channel, IReadOnlyList<OrderLine> Lines, int Priority, DateTimeOffset ReceivedAt);
