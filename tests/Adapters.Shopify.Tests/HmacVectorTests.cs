using System.Text;
using Distribution.Aspire.Adapters.Sandbox.Shopify;

namespace Distribution.Aspire.Adapters.Shopify.Tests;

/// <summary>The sandbox signs webhooks as Shopify does: the published vectors (../shared/contracts/README.md) reproduce.</summary>
public sealed class HmacVectorTests
{
    [Fact]
    public void Laravel_vector_signs_the_exact_fixture_bytes_with_an_empty_secret()
    {
        var body = SharedContracts.Bytes(SharedContracts.LaravelWebhook);

        Assert.Equal(3866, body.Length);
        Assert.Equal("hDJhTqHOY7d5WRlbDl4ehGm/t4kOQKtR+5w6wm+LBQw=", WebhookSigner.Sign("", body));
        Assert.NotEqual("hDJhTqHOY7d5WRlbDl4ehGm/t4kOQKtR+5w6wm+LBQw=", WebhookSigner.Sign("", [.. body, .. "invalid"u8]));
    }

    [Theory]
    [InlineData("some-secret", "Bf", "3X6clrsy+C8mmzR/MeTh6b/EcLr46WLZaU+24GrPXOM=")]
    [InlineData("test-webhook-secret", """{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}""", "QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=")]
    public void Published_vectors_reproduce(string secret, string body, string expected) =>
        Assert.Equal(expected, WebhookSigner.Sign(secret, Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Another_secret_gives_another_signature() =>
        Assert.NotEqual("3X6clrsy+C8mmzR/MeTh6b/EcLr46WLZaU+24GrPXOM=", WebhookSigner.Sign("some-secret-2", "Bf"u8));

    [Fact]
    public void Hex_form_of_the_sqlpage_vector_is_the_same_digest()
    {
        var signature = WebhookSigner.Sign("test-webhook-secret", """{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}"""u8);

        Assert.Equal("40dc8e6d394a6ccc76a8394f17f64e65c06a8393a03e0fb6a24cb7ce575cd06c", Convert.ToHexStringLower(Convert.FromBase64String(signature)));
    }
}
