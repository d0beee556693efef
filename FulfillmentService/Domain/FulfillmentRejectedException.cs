namespace Distribution.Aspire.FulfillmentService.Domain;

public enum RejectionKind
{
    /// <summary>The request itself is wrong; sending it again will not help.</summary>
    Invalid,
    NotFound,
    /// <summary>The request is fine but the shipment's state does not allow it.</summary>
    Conflict,
    /// <summary>A service this step needs did not answer; the same request may succeed later.</summary>
    Unavailable,
}

/// <summary>
/// A request fulfillment refuses, with its stable code. Thrown before anything is written (or with the
/// transaction rolled back), and turned into problem details or a gRPC status at the edge.
/// </summary>
public sealed class FulfillmentRejectedException(RejectionKind kind, string code, string detail, string? field = null) : Exception(detail)
{
    public RejectionKind Kind { get; } = kind;

    public string Code { get; } = code;

    /// <summary>The input member at fault (<c>lines[3].quantity</c>), when there is one.</summary>
    public string? Field { get; } = field;

    public static FulfillmentRejectedException Invalid(string code, string detail, string? field = null) => new(RejectionKind.Invalid, code, detail, field);

    public static FulfillmentRejectedException NotFound(string code, string detail) => new(RejectionKind.NotFound, code, detail);

    public static FulfillmentRejectedException Conflict(string code, string detail) => new(RejectionKind.Conflict, code, detail);
}
