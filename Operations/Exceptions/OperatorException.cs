namespace Distribution.Aspire.Operations.Exceptions;

/// <summary>One item of any service's exception list, in the console's common shape.</summary>
public sealed record OperatorException
{
    /// <summary>The backend that holds it (a gateway backend name such as <c>erp-adapter</c>).</summary>
    public required string Service { get; init; }

    /// <summary>Which of the service's lists it came from (<c>erp</c>, <c>settlement-mismatch</c>, …).</summary>
    public required string Source { get; init; }

    public required string Id { get; init; }

    public required ExceptionPriority Priority { get; init; }

    public required string Code { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>What it is about: a document number, a marketplace order id, a SKU, a shipment reference.</summary>
    public string? Reference { get; init; }

    public string? OrderId { get; init; }

    public string? PartnerId { get; init; }

    public string? Channel { get; init; }

    public string Status { get; init; } = "open";

    /// <summary>Past its service's own deadline (fulfillment's SLA timer).</summary>
    public bool Overdue { get; init; }

    /// <summary>Whether it concerns this order (by order id, or by the channel's order id as reference).</summary>
    public bool Concerns(string orderId, string? channelOrderId) =>
        string.Equals(OrderId, orderId, StringComparison.OrdinalIgnoreCase)
        || string.Equals(Reference, orderId, StringComparison.OrdinalIgnoreCase)
        || (!string.IsNullOrEmpty(channelOrderId) && string.Equals(Reference, channelOrderId, StringComparison.Ordinal));
}
