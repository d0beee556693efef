namespace Distribution.Aspire.FulfillmentService.Returns;

/// <summary>A return (RMA): the lines authorized, then, once it arrived, the lines received with their disposition.</summary>
public sealed record CustomerReturn(
    Guid ReturnId,
    Guid OrderId,
    string Reference,
    string Status,
    IReadOnlyList<ReturnLineView> Lines,
    string? LocationId,
    DateTimeOffset AuthorizedAt,
    DateTimeOffset? ReceivedAt,
    decimal? RefundAmount,
    string? Currency)
{
    public const string Authorized = "authorized";
    public const string Received = "received";
}

/// <summary>Disposition is null for an authorized line, restock or damaged for a received one.</summary>
public sealed record ReturnLineView(string LineId, string Sku, int Quantity, string? Disposition);

public sealed record ReturnLineInput(string? LineId, string? Sku, int Quantity, string? Disposition);

public sealed record AuthorizeReturnInput(Guid OrderId, string? Reference, IReadOnlyList<ReturnLineInput> Lines, string? Reason);

public sealed record ReceiveReturnInput(Guid ReturnId, string? LocationId, IReadOnlyList<ReturnLineInput> Lines, DateTimeOffset? ReceivedAt);
