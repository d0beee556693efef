namespace Distribution.Aspire.Contracts.Events.Orders;

/// <summary>A SKU an order could not get enough of.</summary>
public sealed record ShortLine(string Sku, int Requested, int Available);
