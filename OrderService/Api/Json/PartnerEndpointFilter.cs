using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.ServiceDefaults.Partners;

namespace Distribution.Aspire.OrderService.Api.Json;

/// <summary>
/// Every partner endpoint: no partner identity (stamped by the gateway) → 401; a request the domain
/// refuses → problem details with its stable code.
/// </summary>
public sealed class PartnerEndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!PartnerIdentity.TryGet(context.HttpContext, out _))
        {
            return OrderProblems.Unauthorized();
        }

        try
        {
            return await next(context);
        }
        catch (OrderRejectedException rejected)
        {
            return OrderProblems.From(rejected);
        }
    }
}
