namespace Distribution.Aspire.Adapters.Sandbox.Erp;

/// <summary>Error answers in BC's OData shape, with BC's error codes.</summary>
public static class ErpErrors
{
    public const string FieldValidation = "Application_FieldValidationException";
    public const string StringTooLong = "Application_StringExceededLength";
    public const string Unbalanced = "Application_DialogException";
    public const string RecordNotFound = "Application_RecordNotFound";
    public const string Duplicate = "Internal_EntityWithSameKeyExists";
    public const string NotFound = "BadRequest_NotFound";
    public const string BadRequest = "BadRequest";
    public const string InvalidFilter = "BadRequest_InvalidFilter";
    public const string Unauthorized = "Authentication_InvalidCredentials";
    public const string TooManyRequests = "Application_TooManyRequests";
    public const string Unavailable = "Internal_ServiceUnavailable";
    public const string ServerError = "Internal_ServerError";

    public static IResult Answer(int status, string code, string message, ErpExistingEntry? existing = null) =>
        Results.Json(new ErpErrorBody(new ErpError(code, message, existing)), ErpJson.Options, statusCode: status);

    public static IResult Invalid(string code, string message) => Answer(StatusCodes.Status400BadRequest, code, message);
}
