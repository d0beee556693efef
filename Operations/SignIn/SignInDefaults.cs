namespace Distribution.Aspire.Operations.SignIn;

public static class SignInDefaults
{
    /// <summary>Everything the console serves lives under this path on the gateway's address.</summary>
    public const string PathBase = "/ops";

    public const string CookieName = "ops.auth";

    public const string AntiforgeryCookieName = "ops.csrf";

    /// <summary>The rate-limiting policy of sign-in attempts (per client address).</summary>
    public const string RateLimitPolicy = "signin";

    public const string OperatorName = "operator";
}
