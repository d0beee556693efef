using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Gateway.Admin;

/// <summary>
/// Lets a request into <c>/admin/…</c> only with the configured <c>X-Admin-Key</c>. Keys are compared as
/// SHA-256 digests in constant time, so neither content nor length leaks through timing.
/// </summary>
public sealed class AdminKeyFilter(IOptionsMonitor<GatewayOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Admin-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.CurrentValue.AdminKey;
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
