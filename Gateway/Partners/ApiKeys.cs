using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>
/// Partner API keys look like <c>dak_&lt;keyId&gt;_&lt;secret&gt;</c>. The key id is public (it appears in the admin
/// API and logs) and is how a presented key is found without scanning; only the SHA-256 of the whole key is
/// stored, and the comparison is constant-time.
/// </summary>
public static class ApiKeys
{
    public const string HeaderName = "X-Api-Key";
    private const string Prefix = "dak_";
    private const int PrefixLength = 4;
    private const int KeyIdLength = 16;
    private const int MaxKeyLength = 128;

    public static (string KeyId, string ApiKey) Create()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    public static byte[] Hash(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    /// <summary>The public key id inside a presented key, or false when it is not shaped like one of ours.</summary>
    public static bool TryGetKeyId(ReadOnlySpan<char> apiKey, out ReadOnlySpan<char> keyId)
    {
        keyId = default;
        if (apiKey.Length is < PrefixLength + KeyIdLength + 2 or > MaxKeyLength
            || !apiKey.StartsWith(Prefix, StringComparison.Ordinal)
            || apiKey[PrefixLength + KeyIdLength] != '_')
        {
            return false;
        }

        keyId = apiKey.Slice(PrefixLength, KeyIdLength);
        return true;
    }

    /// <summary>Hashes the presented key without allocating and compares it with the stored hash in constant time.</summary>
    public static bool Matches(ReadOnlySpan<char> presented, byte[] storedHash)
    {
        Span<byte> utf8 = stackalloc byte[MaxKeyLength * 3];
        if (presented.Length > MaxKeyLength || !Encoding.UTF8.TryGetBytes(presented, utf8, out var written))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..written], hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

}
