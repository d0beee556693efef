using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.InventoryService;

public static class InventoryProblems
{
    public static ProblemHttpResult From(InventoryException exception) =>
        Problem(
            exception.Kind switch
            {
                InventoryErrorKind.NotFound => StatusCodes.Status404NotFound,
                InventoryErrorKind.Conflict => StatusCodes.Status409Conflict,
                InventoryErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
                _ => StatusCodes.Status400BadRequest,
            },
            exception.Code,
            exception.Message);

    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code });
}
