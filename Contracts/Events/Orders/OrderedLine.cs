namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>What an order asks for on one line; prices stay in the order service.</summary>
public sealed record OrderedLine(string LineId, string Sku, int Quantity);
