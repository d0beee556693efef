namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>Part of an order line held at one location; a line split over two locations has two.</summary>
public sealed record AllocatedLine(string LineId, string Sku, string LocationId, int Quantity);
