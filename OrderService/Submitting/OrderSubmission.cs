namespace Distribution.Aspire.OrderService.Submitting;

/// <summary>
/// An order as a channel sent it, not yet checked: the gRPC and the JSON surface both map their
/// request to this, so both get exactly the same validation (<see cref="OrderValidator"/>).
/// </summary>
public sealed record OrderSubmission(
    string? Channel,
    string? PartnerId,
    string? ChannelOrderId,
    string? CustomerReference,
    AddressInput? ShipTo,
    string? Currency,
    IReadOnlyList<LineInput>? Lines,
    string? FulfillmentChannel = null,
    DateTimeOffset? RequestedShipBy = null,
    int? Priority = null);

public sealed record AddressInput(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>Quantity is wide on purpose: an absurd number is a validation error with a code, not an overflow.</summary>
public sealed record LineInput(string? LineId, string? Sku, long? Quantity, MoneyInput? UnitPrice, MoneyInput? Discount = null, MoneyInput? Tax = null);

/// <summary>A decimal string and, optionally, its own currency (which must then be the order's).</summary>
public sealed record MoneyInput(string? Amount, string? Currency = null);
