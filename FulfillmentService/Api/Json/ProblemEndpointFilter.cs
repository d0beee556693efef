using Distribution.Aspire.FulfillmentService.Domain;

namespace Distribution.Aspire.FulfillmentService.Api.Json;

/// <summary>A request fulfillment refuses becomes problem details with its stable code, never a 500.</summary>
public sealed class ProblemEndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (FulfillmentRejectedException rejected)
        {
            return FulfillmentProblems.From(rejected);
        }
    }
}
