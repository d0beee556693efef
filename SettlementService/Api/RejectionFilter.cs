using Distribution.Aspire.SettlementService.Domain;

namespace Distribution.Aspire.SettlementService.Api;

/// <summary>A request the service refuses becomes problem details with its stable code, never a 500.</summary>
public sealed class RejectionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (SettlementRejectedException rejected)
        {
            return SettlementProblems.From(rejected);
        }
    }
}
