namespace Distribution.Aspire.OrderService.Domain;

public enum RejectionKind
{
    /// <summary>The request itself is wrong; sending it again will not help.</summary>
    Invalid,
    TooLarge,
    NotFound,
    /// <summary>The request is fine but the order's state does not allow it.</summary>
    Conflict,
}

/// <summary>
/// A request the domain refuses, with its stable code. Thrown before anything is written (or with the
/// transaction rolled back), and turned into problem details or a gRPC status at the edge.
/// </summary>
public sealed class OrderRejectedException(RejectionKind kind, string code, string detail, string? field = null) : Exception(detail)
{
    public RejectionKind Kind { get; } = kind;

    public string Code { get; } = code;

    /// <summary>The input member at fault (<c>lines[3].quantity</c>), when there is one.</summary>
    public string? Field { get; } = field;

    public static OrderRejectedException Invalid(string code, string detail, string? field = null) => new(RejectionKind.Invalid, code, detail, field);

    public static OrderRejectedException Conflict(string code, string detail) => new(RejectionKind.Conflict, code, detail);

    public static OrderRejectedException NotFound(string detail) => new(RejectionKind.NotFound, OrderCodes.OrderNotFound, detail);
}
