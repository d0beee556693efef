namespace Distribution.Aspire.Contracts.Events.Fulfillment;

/// <summary>Disposition: "restock" (back to sellable stock) or "damaged" (written off).</summary>
public sealed record ReturnedLine(string LineId, string Sku, int Quantity, string Disposition);
