using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Distribution.Aspire.Gateway.Authentication;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Distribution.Aspire.Gateway.Tests.Authentication;

/// <summary>
/// 3PLs: an API key always, and once the partner has a webhook secret, <c>X-Signature: t=…,v1=…</c> over timestamp
/// and body, fresh (within 5 minutes) and used once.
/// </summary>
public sealed class SignedRequestTests(TestServers servers) : IAsyncLifetime
{
    private const string Secret = "3pl-shared-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("ISA*00*          *00*          *ZZ*WAREHOUSE      *ZZ*DISTRIBUTOR    *~");

    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await GatewayHarness.StartAsync(servers);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Without_a_webhook_secret_the_api_key_alone_is_enough()
    {
        var partner = await _harness.CreatePartnerAsync(["3pl"], kind: "3pl", channel: "3pl");

        using var response = await SendAsync(partner, Body, signature: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(partner.PartnerId, (await response.EchoAsync())!.Header("X-Partner-Id"));
    }

    [Fact]
    public async Task With_a_webhook_secret_a_fresh_signature_over_the_body_is_required()
    {
        var partner = await SignedPartnerAsync();

        using var unsigned = await SendAsync(partner, Body, signature: null);
        using var signed = await SendAsync(partner, Body, Sign(Body, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("threepl-adapter", (await signed.EchoAsync())!.Destination);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-3600)]
    public async Task A_timestamp_outside_five_minutes_is_refused(int offsetSeconds)
    {
        var partner = await SignedPartnerAsync();

        using var response = await SendAsync(partner, Body, Sign(Body, DateTimeOffset.UtcNow.AddSeconds(offsetSeconds)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("window", (await response.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_signed_request_is_accepted_once()
    {
        var partner = await SignedPartnerAsync();
        var signature = Sign(Body, DateTimeOffset.UtcNow);

        using var first = await SendAsync(partner, Body, signature);
        using var replay = await SendAsync(partner, Body, signature);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Theory]
    [InlineData("hex in upper case")]
    [InlineData("a space after the comma")]
    [InlineData("an unknown part appended")]
    [InlineData("a leading zero in t")]
    [InlineData("the parts swapped")]
    public async Task A_signed_request_resent_with_its_header_written_differently_is_refused_as_a_replay(string how)
    {
        var partner = await SignedPartnerAsync();
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = Sign(Body, DateTimeOffset.FromUnixTimeSeconds(at));
        var mac = signature[(signature.IndexOf("v1=", StringComparison.Ordinal) + 3)..];
        var rewritten = how switch
        {
            "hex in upper case" => $"t={at},v1={mac.ToUpperInvariant()}",
            "a space after the comma" => $"t={at}, v1={mac}",
            "an unknown part appended" => $"{signature},x=1",
            "a leading zero in t" => $"t=0{at},v1={mac}",
            _ => $"v1={mac},t={at}",
        };

        using var first = await SendAsync(partner, Body, signature);
        using var replay = await SendAsync(partner, Body, rewritten);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("already received", (await replay.ProblemAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_request_refused_by_the_rate_limit_is_accepted_when_resent_as_is_after_retry_after()
    {
        var partner = await SignedPartnerAsync(perSecond: 1, burst: 1);
        var bodyB = Encoding.UTF8.GetBytes("ISA*second*~");
        var signatureB = Sign(bodyB, DateTimeOffset.UtcNow);

        using var a = await SendAsync(partner, Body, Sign(Body, DateTimeOffset.UtcNow));
        using var limited = await SendAsync(partner, bodyB, signatureB);
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(TimeSpan.FromSeconds(retryAfter), TestContext.Current.CancellationToken);
        using var retried = await SendAsync(partner, bodyB, signatureB);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        using var replay = await SendAsync(partner, bodyB, signatureB);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Theory]
    [InlineData("destination down", HttpStatusCode.BadGateway)]
    [InlineData("destination too slow", HttpStatusCode.GatewayTimeout)]
    public async Task A_signed_request_the_gateway_could_not_deliver_can_be_resent_as_is(string how, HttpStatusCode expected)
    {
        var partner = await SignedPartnerAsync();
        var gateway = await _harness.StartGatewayAsync(how == "destination down"
            ? new Dictionary<string, string?> { ["services:threepl-adapter:http:0"] = $"http://127.0.0.1:{FreePort.Next()}" }
            : new Dictionary<string, string?> { ["Gateway:Routes:3pl:TimeoutSeconds"] = "1" });
        var path = how == "destination down" ? "/partners/3pl/edi" : "/partners/3pl/edi?delayMs=3000";
        var signature = Sign(Body, DateTimeOffset.UtcNow);

        using var first = await SendAsync(partner, Body, signature, gateway, path);
        using var resent = await SendAsync(partner, Body, signature, gateway, path);

        Assert.Equal(expected, first.StatusCode);
        Assert.Equal(expected, resent.StatusCode);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_signed_request_the_destination_answered_cannot_be_replayed_whatever_it_answered(int status)
    {
        var partner = await SignedPartnerAsync();
        var signature = Sign(Body, DateTimeOffset.UtcNow);

        using var first = await SendAsync(partner, Body, signature, path: $"/partners/3pl/edi?status={status}");
        using var replay = await SendAsync(partner, Body, signature, path: $"/partners/3pl/edi?status={status}");

        Assert.Equal(status, (int)first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Concurrent_copies_of_one_signed_request_are_forwarded_once()
    {
        var partner = await SignedPartnerAsync(perSecond: 1, burst: 1);
        var signature = Sign(Body, DateTimeOffset.UtcNow);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await SendAsync(partner, Body, signature);
            return response.StatusCode;
        }));

        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.Single(_harness.Destinations["threepl-adapter"].Received, r => r.Header("X-Partner-Id") == partner.PartnerId);
    }

    [Theory]
    [InlineData("tampered body")]
    [InlineData("wrong secret")]
    [InlineData("garbage header")]
    public async Task Signatures_that_do_not_match_are_refused(string how)
    {
        var partner = await SignedPartnerAsync();
        var now = DateTimeOffset.UtcNow;
        var (body, signature) = how switch
        {
            "tampered body" => ([.. Body, (byte)'X'], Sign(Body, now)),
            "wrong secret" => (Body, RequestSignatures.Sign("other-secret"u8, Body, now.ToUnixTimeSeconds())),
            _ => (Body, "t=abc,v1=xyz"),
        };

        using var response = await SendAsync(partner, body, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_valid_signature_does_not_replace_the_api_key()
    {
        var partner = await SignedPartnerAsync();
        using var client = _harness.Client();
        using var request = Request(Body, Sign(Body, DateTimeOffset.UtcNow));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("another secrets key")]
    [InlineData("no secrets key")]
    public async Task A_partner_whose_stored_secret_cannot_be_decrypted_is_refused_on_the_3pl_route_and_operators_are_warned(string how)
    {
        var partner = await SignedPartnerAsync();
        var logs = new RecordingLoggerProvider();
        var otherKey = how == "no secrets key" ? "" : Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());
        var gateway = await _harness.StartGatewayAsync(
            new Dictionary<string, string?> { ["Gateway:SecretsKey"] = otherKey },
            web => web.ConfigureServices(services => services.AddLogging(l => l.AddProvider(logs))));

        using var keyOnly = await SendAsync(partner, Body, signature: null, gateway);
        using var signed = await SendAsync(partner, Body, Sign(Body, DateTimeOffset.UtcNow), gateway);

        foreach (var response in new[] { keyOnly, signed })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("webhook_secret_unreadable", await response.ProblemCodeAsync());
        }

        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(partner.PartnerId, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_harness.Destinations["threepl-adapter"].Received, r => r.Header("X-Partner-Id") == partner.PartnerId);
    }

    private async Task<TestPartner> SignedPartnerAsync(int perSecond = 1000, int burst = 1000)
    {
        var partner = await _harness.CreatePartnerAsync(["3pl"], perSecond, burst, kind: "3pl", channel: "3pl");
        await _harness.SetWebhookSecretAsync(partner.PartnerId, Secret);
        return partner;
    }

    private static string Sign(byte[] body, DateTimeOffset at) => RequestSignatures.Sign(Encoding.UTF8.GetBytes(Secret), body, at.ToUnixTimeSeconds());

    private async Task<HttpResponseMessage> SendAsync(
        TestPartner partner, byte[] body, string? signature, GatewayFactory? gateway = null, string path = "/partners/3pl/edi")
    {
        using var client = _harness.PartnerClient(partner.ApiKey, gateway);
        using var request = Request(body, signature, path);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static HttpRequestMessage Request(byte[] body, string? signature, string path = "/partners/3pl/edi")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/edi-x12");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Signature", signature);
        }

        return request;
    }
}
