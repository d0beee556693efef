using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.Operations.Gateway;

namespace Distribution.Aspire.Operations.SignIn;

/// <summary>
/// The operators' credential is the gateway's admin key (<c>Gateway:AdminKey</c>, given to the console by the
/// AppHost). Compared as SHA-256 digests in constant time, so neither content nor length leaks through timing; with
/// no key configured nobody can sign in.
/// </summary>
public sealed class OperatorKey(IConfiguration configuration)
{
    public bool Matches(string? presented)
    {
        var configured = configuration[GatewayAdminClient.AdminKeySetting];
        if (string.IsNullOrEmpty(configured) || string.IsNullOrEmpty(presented))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)),
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
    }
}
