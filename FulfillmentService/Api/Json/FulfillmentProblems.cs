using Distribution.Aspire.FulfillmentService.Domain;
using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.FulfillmentService.Api.Json;

public static class FulfillmentProblems
{
    public static ProblemHttpResult From(FulfillmentRejectedException rejected)
    {
        var (status, title) = rejected.Kind switch
        {
            RejectionKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            RejectionKind.Conflict => (StatusCodes.Status409Conflict, "The shipment's state does not allow this"),
            RejectionKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, "A service this needs did not answer"),
            _ => (StatusCodes.Status400BadRequest, "The request is not valid"),
        };
        var extensions = new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = rejected.Code };
        if (rejected.Field is not null)
        {
            extensions["field"] = rejected.Field;
        }

        return TypedResults.Problem(statusCode: status, title: title, detail: rejected.Message, extensions: extensions);
    }
}
