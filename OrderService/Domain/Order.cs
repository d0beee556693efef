namespace Distribution.Aspire.OrderService.Domain;

/// <summary>A canonical order as stored: what both the gRPC and the partner JSON surface show.</summary>
public sealed record Order(
    Guid OrderId,
    string Channel,
    string PartnerId,
    string ChannelOrderId,
    string? CustomerReference,
    ShipTo ShipTo,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    OrderTotals Totals,
    string FulfillmentChannel,
    DateTimeOffset? RequestedShipBy,
    int Priority,
    OrderStatus Status,
    IReadOnlyList<StatusChange> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);
