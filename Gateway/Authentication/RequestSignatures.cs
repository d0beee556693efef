using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Distribution.Aspire.Gateway.Authentication;

/// <summary>The two HMAC schemes partners sign requests with. Every comparison is constant-time.</summary>
public static class RequestSignatures
{
    public const string ShopifyHmacHeader = "X-Shopify-Hmac-Sha256";
    public const string ShopifyShopHeader = "X-Shopify-Shop-Domain";
    public const string SignatureHeader = "X-Signature";

    /// <summary>Shopify: <c>base64(HMAC-SHA256(secret, raw body))</c> in <c>X-Shopify-Hmac-Sha256</c>.</summary>
    public static bool VerifyShopify(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, string? presented)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Span<byte> given = stackalloc byte[64];
        if (string.IsNullOrEmpty(presented) || presented.Length > 64
            || !Convert.TryFromBase64String(presented, given, out var written) || written != expected.Length)
        {
            return false;
        }

        HMACSHA256.HashData(secret, body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given[..written]);
    }

    /// <summary>
    /// The generic signed-request scheme (3PLs): <c>X-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret,
    /// t + "." + raw body)&gt;</c>. A timestamp further than <paramref name="window"/> from now either way is refused,
    /// which stops replays of captured requests after that window. A valid signature's <paramref name="replayId"/> is
    /// what it signs and proves, whatever the header's spelling (hex case, spaces, leading zeros in <c>t</c>, order
    /// and unknown parts are all accepted): the timestamp's value and the MAC's bytes. Replays are recognised by it,
    /// so rewriting the header of a captured request does not make it a new one.
    /// </summary>
    public static SignatureCheck VerifySigned(
        ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, string? header, DateTimeOffset now, TimeSpan window, out string replayId)
    {
        replayId = "";
        if (!TryParse(header, out var timestamp, out var signature))
        {
            return SignatureCheck.Invalid;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > window.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }

        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (signature.Length != given.Length * 2 || Convert.FromHexString(signature, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != given.Length)
        {
            return SignatureCheck.Invalid;
        }

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.GetHashAndReset(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return SignatureCheck.Invalid;
        }

        replayId = string.Create(CultureInfo.InvariantCulture, $"{timestamp}:{Convert.ToHexStringLower(given)}");
        return SignatureCheck.Valid;
    }

    /// <summary>Builds the header a signer sends (used by tests, the sandbox and partners' docs).</summary>
    public static string Sign(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> body, long unixSeconds)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(hmac.GetHashAndReset())}";
    }

    private static bool TryParse(string? header, out long timestamp, out ReadOnlySpan<char> signature)
    {
        timestamp = 0;
        signature = default;
        if (string.IsNullOrEmpty(header) || header.Length > 256)
        {
            return false;
        }

        var found = false;
        foreach (var range in header.AsSpan().Split(','))
        {
            var part = header.AsSpan()[range].Trim();
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                if (!long.TryParse(part[2..], NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
                {
                    return false;
                }
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                signature = part[3..];
                found = true;
            }
        }

        return found && timestamp > 0;
    }
}

public enum SignatureCheck
{
    Valid,
    Invalid,
    Stale,
}
