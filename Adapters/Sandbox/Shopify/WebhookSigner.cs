using System.Security.Cryptography;
using System.Text;

namespace Distribution.Aspire.Adapters.Sandbox.Shopify;

/// <summary>Shopify's webhook signature: <c>base64(HMAC-SHA256(key = secret, message = raw body))</c>.</summary>
public static class WebhookSigner
{
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
