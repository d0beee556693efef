using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Distribution.Aspire.Gateway.Partners;

/// <summary>
/// Encrypts webhook secrets at rest with AES-256-GCM under <c>Gateway:SecretsKey</c> (32 bytes, base64). The
/// partner id is bound in as associated data, so a ciphertext copied to another partner's row does not decrypt.
/// Stored layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class SecretProtector(IOptions<GatewayOptions> options)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[]? _key = ReadKey(options.Value.SecretsKey);

    public bool IsConfigured => _key is not null;

    public byte[] Protect(string partnerId, string secret)
    {
        var key = _key ?? throw new InvalidOperationException("Gateway:SecretsKey is not set.");
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var stored = new byte[1 + NonceSize + TagSize + plaintext.Length];
        stored[0] = Version;
        var nonce = stored.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, stored.AsSpan(1 + NonceSize + TagSize), stored.AsSpan(1 + NonceSize, TagSize), AssociatedData(partnerId));
        CryptographicOperations.ZeroMemory(plaintext);
        return stored;
    }

    /// <summary>The secret's bytes, or null when there is no key or the stored value does not decrypt under it.</summary>
    public byte[]? Unprotect(string partnerId, byte[] stored)
    {
        if (_key is null || stored.Length < 1 + NonceSize + TagSize || stored[0] != Version)
        {
            return null;
        }

        var plaintext = new byte[stored.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(stored.AsSpan(1, NonceSize), stored.AsSpan(1 + NonceSize + TagSize), stored.AsSpan(1 + NonceSize, TagSize), plaintext, AssociatedData(partnerId));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] AssociatedData(string partnerId) => Encoding.UTF8.GetBytes("partner:" + partnerId);

    private static byte[]? ReadKey(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        var buffer = new byte[configured.Length];
        return Convert.TryFromBase64String(configured, buffer, out var written) && written == 32
            ? buffer[..32]
            : throw new InvalidOperationException("Gateway:SecretsKey must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
    }
}
