using Distribution.Aspire.ServiceDefaults.Errors;
using Distribution.Aspire.SettlementService.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Distribution.Aspire.SettlementService.Api;

public static class SettlementProblems
{
    public static ProblemHttpResult From(SettlementRejectedException rejected)
    {
        var (status, title) = rejected.Kind switch
        {
            RejectionKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            RejectionKind.Conflict => (StatusCodes.Status409Conflict, "The settlement's state does not allow this"),
            RejectionKind.Forbidden => (StatusCodes.Status403Forbidden, "Not allowed for this partner"),
            _ => (StatusCodes.Status400BadRequest, "The request is not valid"),
        };
        return Problem(status, title, rejected.Code, rejected.Message, rejected.Errors);
    }

    public static ProblemHttpResult Problem(int status, string title, string code, string detail, IReadOnlyList<ReportError>? errors = null)
    {
        var extensions = new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = code };
        if (errors is { Count: > 0 })
        {
            extensions["errors"] = errors;
        }

        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }
}
