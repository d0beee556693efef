using Distribution.Aspire.OrderService.Domain;
using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.OrderService.Api.Json;

public static class OrderProblems
{
    public static ProblemHttpResult From(OrderRejectedException rejected)
    {
        var (status, title) = rejected.Kind switch
        {
            RejectionKind.NotFound => (StatusCodes.Status404NotFound, "Order not found"),
            RejectionKind.Conflict => (StatusCodes.Status409Conflict, "The order's state does not allow this"),
            RejectionKind.TooLarge => (StatusCodes.Status413PayloadTooLarge, "Request too large"),
            _ => (StatusCodes.Status400BadRequest, "The request is not valid"),
        };
        var extensions = new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = rejected.Code };
        if (rejected.Field is not null)
        {
            extensions["field"] = rejected.Field;
        }

        return TypedResults.Problem(statusCode: status, title: title, detail: rejected.Message, extensions: extensions);
    }

    public static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Partner unknown",
        detail: "The request carries no partner identity; partners call through the gateway.",
        extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = ProblemCodes.Unauthorized });
}
