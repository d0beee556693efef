namespace Distribution.Aspire.Contracts.Events.Fulfillment;

public sealed record ShipmentLineItem(string LineId, string Sku, int Quantity);
