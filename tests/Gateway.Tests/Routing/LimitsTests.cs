using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.Routing;

/// <summary>Body size and content type per route group, destination timeouts and failures, deprecation headers.</summary>
public sealed class LimitsTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;
    private TestPartner _partner = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await GatewayHarness.StartAsync(servers, new Dictionary<string, string?>
        {
            ["Gateway:Routes:orders:TimeoutSeconds"] = "1",
            ["Gateway:Routes:inventory:Deprecation"] = "@1767225600",
            ["Gateway:Routes:inventory:Sunset"] = "Wed, 01 Jul 2026 00:00:00 GMT",
            ["Gateway:Routes:inventory:Link"] = "<https://partners.example/v2/inventory>; rel=\"successor-version\"",
            // Nothing listens there: the amazon adapter is down.
            ["services:amazon-adapter:http:0"] = $"http://127.0.0.1:{FreePort.Next()}",
        });
        _partner = await _harness.CreatePartnerAsync(["orders", "inventory", "amazon", "shopify"], shopDomain: $"{GatewayHarness.NewPartnerId("lim")}.myshopify.com");
    }

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_json_body_over_the_routes_limit_is_413_before_anything_is_forwarded()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        var before = _harness.Destinations["orderservice"].Received.Count;

        using var response = await client.PostAsync("/v1/orders", new ByteArrayContent(new byte[(256 * 1024) + 1]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "payload_too_large"), (response.StatusCode, await response.ProblemCodeAsync()));
        Assert.Equal(before, _harness.Destinations["orderservice"].Received.Count);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_too()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        var content = new StreamContent(new ChunkedOnly(new byte[600 * 1024]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/v1/orders", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Webhook_routes_take_bodies_far_larger_than_the_json_api()
    {
        const string secret = "limits-secret";
        await _harness.SetWebhookSecretAsync(_partner.PartnerId, secret);
        var shop = (await _harness.AdminClient().GetFromJsonAsync<System.Text.Json.JsonElement>($"/admin/partners/{_partner.PartnerId}", TestContext.Current.CancellationToken)).GetProperty("shopDomain").GetString()!;
        var body = Encoding.UTF8.GetBytes("{\"note\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        using var client = _harness.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/partners/shopify/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Shopify-Shop-Domain", shop);
        request.Headers.Add("X-Shopify-Hmac-Sha256", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, (await response.EchoAsync())!.BodyLength);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task A_body_of_a_type_the_route_does_not_take_is_415(string? contentType)
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        var content = new ByteArrayContent("{}"u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await client.PostAsync("/v1/orders", content, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"), (response.StatusCode, await response.ProblemCodeAsync()));
    }

    [Fact]
    public async Task Json_with_a_charset_is_accepted()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var response = await client.PostAsync("/v1/orders", new StringContent("{}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_destination_that_does_not_answer_in_time_is_a_504_problem()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var response = await client.GetAsync("/v1/orders/slow?delayMs=4000", TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.GatewayTimeout, "upstream_timeout"), (response.StatusCode, await response.ProblemCodeAsync()));
        Assert.NotNull(response.Header("X-Correlation-Id"));
    }

    [Fact]
    public async Task A_destination_that_is_down_is_a_502_problem()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var response = await client.PostAsJsonAsync("/partners/amazon/notifications", new { }, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.BadGateway, "upstream_unavailable"), (response.StatusCode, await response.ProblemCodeAsync()));
    }

    [Fact]
    public async Task A_deprecated_route_says_so_and_when_it_goes()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var deprecated = await client.GetAsync("/v1/inventory/SKU-1", TestContext.Current.CancellationToken);
        using var current = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        Assert.Equal("@1767225600", deprecated.Header("Deprecation"));
        Assert.Equal("Wed, 01 Jul 2026 00:00:00 GMT", deprecated.Header("Sunset"));
        Assert.Contains("successor-version", deprecated.Header("Link"), StringComparison.Ordinal);
        Assert.Null(current.Header("Deprecation"));
        Assert.Null(current.Header("Sunset"));
    }

    /// <summary>A stream of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class ChunkedOnly(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
