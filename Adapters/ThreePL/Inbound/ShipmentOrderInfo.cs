namespace Distribution.Aspire.Adapters.ThreePL.Inbound;

/// <summary>A shipment we asked a 3PL for, as the 3PL knows it: our reference and the lines we sent.</summary>
public sealed record ShipmentOrderInfo(Guid ShipmentId, string PartnerId, string OrderReference, IReadOnlyList<OrderedLineInfo> Lines, bool Cancelled)
{
    /// <summary>The line a 3PL's item means: by our line id when it echoes one, else by SKU.</summary>
    public OrderedLineInfo? Match(string? lineId, string? sku, IEnumerable<string>? otherProductIds = null) =>
        (lineId is null ? null : Lines.FirstOrDefault(l => l.LineId == lineId))
        ?? (sku is null ? null : Lines.FirstOrDefault(l => l.Sku == sku))
        ?? (otherProductIds is null ? null : Lines.FirstOrDefault(l => otherProductIds.Contains(l.Sku)));
}

public sealed record OrderedLineInfo(string LineId, string Sku, int Quantity);

/// <summary>Finds the shipment behind a reference a partner sent; a reference of another partner is not found.</summary>
public interface IShipmentOrderLookup
{
    Task<ShipmentOrderInfo?> FindAsync(string partnerId, string orderReference, CancellationToken cancellationToken);
}
