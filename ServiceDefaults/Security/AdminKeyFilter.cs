using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Distribution.Aspire.ServiceDefaults.Security;

/// <summary>
/// Lets a request into operator endpoints only with the configured <c>X-Admin-Key</c>. Keys are compared as
/// SHA-256 digests in constant time, so neither content nor length leaks through timing. With no key
/// configured the endpoints stay closed.
/// </summary>
public sealed class AdminKeyFilter(IConfiguration configuration, string settingName) : IEndpointFilter
{
    public const string HeaderName = "X-Admin-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = configuration[settingName];
        var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(configured) || string.IsNullOrEmpty(presented) || !KeysMatch(configured, presented))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Admin credential missing or wrong",
                detail: $"Send the operators' key in {HeaderName}.",
                extensions: new Dictionary<string, object?> { [ProblemCodes.ExtensionName] = ProblemCodes.Unauthorized }));
        }

        return next(context);
    }

    private static bool KeysMatch(string configured, string presented) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)),
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
