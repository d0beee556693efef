using Distribution.Aspire.Contracts.Orders.V1;

namespace Distribution.Aspire.Adapters.Shopify.Orders;

/// <summary>A Shopify order as a canonical submission, or the stable code and reason it could not become one.</summary>
public sealed record OrderMapping(SubmitOrderRequest? Request, string? Code, string? Reason)
{
    public bool Succeeded => Request is not null;

    public static OrderMapping Success(SubmitOrderRequest request) => new(request, null, null);

    public static OrderMapping Failure(string code, string reason) => new(null, code, reason);
}
