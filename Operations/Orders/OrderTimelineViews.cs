using Distribution.Aspire.Operations.Exceptions;

namespace Distribution.Aspire.Operations.Orders;

/// <summary>One thing that happened to an order or one of its shipments.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Subject, string What, string? Detail, bool Applied = true);

public sealed record OrderLineView(string LineId, string Sku, int Quantity, int ShippedQuantity, string UnitPrice, string Total);

/// <summary>An order header for operators: the ship-to is reduced to name, city and country.</summary>
public sealed record OrderHeader(
    string OrderId, string Channel, string PartnerId, string ChannelOrderId, string Status, string Currency, string Total, int Priority,
    string FulfillmentChannel, string ShipTo, DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, IReadOnlyList<OrderLineView> Lines);

public sealed record PackageView(string Carrier, string TrackingNumber);

public sealed record ShipmentView(
    string ShipmentId, string LocationId, string NodeKind, string? PartnerId, string Milestone, IReadOnlyList<OrderLineView> Lines, IReadOnlyList<PackageView> Packages);

public sealed record OrderTimelineView(
    OrderHeader Order,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<ShipmentView> Shipments,
    string? ShipmentsFailure,
    IReadOnlyList<OperatorException> Exceptions,
    IReadOnlyList<SourceFailure> ExceptionsUnreachable);

/// <summary>Several partners' orders share the channel order id searched for.</summary>
public sealed record OrderMatch(string OrderId, string PartnerId, string Channel, string Status, DateTimeOffset? CreatedAt);

public sealed record OrderSearchResult(OrderTimelineView? Timeline, IReadOnlyList<OrderMatch> Matches, string? Failure);
