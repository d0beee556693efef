using Distribution.Aspire.Gateway.Partners;

namespace Distribution.Aspire.Gateway.Authentication;

/// <summary>
/// Who is calling, or why not. Failure texts are the same whatever the reason a credential did not match, so a
/// caller learns nothing about which keys, shops or partners exist.
/// </summary>
public readonly record struct AuthResult(Partner? Partner, int Status, string? Code, string? Title, string? Detail)
{
    public bool Succeeded => Partner is not null;

    /// <summary>The signature this request recorded as used, if any (signed 3PL requests while Redis answers).</summary>
    public SignatureClaim? Claim { get; init; }

    public static AuthResult Success(Partner partner) => new(partner, StatusCodes.Status200OK, null, null, null);

    public static AuthResult Unauthorized(string detail) =>
        new(null, StatusCodes.Status401Unauthorized, Distribution.Aspire.ServiceDefaults.Errors.ProblemCodes.Unauthorized, "Credential missing or not valid", detail);

    public static AuthResult Failed(int status, string code, string title, string detail) => new(null, status, code, title, detail);
}

/// <summary>
/// A signature recorded in Redis as used by one request. The record holds a token of that request alone, so only it
/// can take the record back (when the request never reached its destination), never a later holder of the same key.
/// </summary>
public sealed record SignatureClaim(string Key, string Token);
