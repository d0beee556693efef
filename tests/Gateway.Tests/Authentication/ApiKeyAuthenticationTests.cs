using System.Net;
using System.Net.Http.Json;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.Authentication;

/// <summary>X-Api-Key on the JSON surface: every way it can fail, rotation, and what destinations are told.</summary>
public sealed class ApiKeyAuthenticationTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;
    private TestPartner _partner = null!;
    private TestPartner _other = null!;

    public async ValueTask InitializeAsync()
    {
        _harness = await GatewayHarness.StartAsync(servers);
        _partner = await _harness.CreatePartnerAsync(["orders"], channel: "b2b");
        _other = await _harness.CreatePartnerAsync(["orders", "inventory"], channel: "edi-b2b");
    }

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    public static TheoryData<string, string?> BadKeys => new()
    {
        { "missing", null },
        { "empty", "" },
        { "not ours", "sk_live_0123456789abcdef" },
        { "unknown key id", "dak_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
        { "far too long", "dak_0123456789abcdef_" + new string('A', 500) },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Missing_or_unknown_keys_get_401_and_reach_nothing(string reason, string? key)
    {
        using var client = _harness.Client();
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);
        }

        var before = _harness.Destinations["orderservice"].Received.Count;
        using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, reason);
        Assert.Equal("unauthorized", await response.ProblemCodeAsync());
        Assert.Equal(before, _harness.Destinations["orderservice"].Received.Count);
        Assert.DoesNotContain(_partner.PartnerId, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_right_key_id_with_a_wrong_secret_is_401_and_says_nothing_about_the_partner()
    {
        var forged = _partner.ApiKey[..^4] + (_partner.ApiKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        using var client = _harness.PartnerClient(forged);

        using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(_partner.PartnerId, body, StringComparison.Ordinal);
        Assert.DoesNotContain(_partner.KeyId, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_partner_gets_403_until_resumed()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var client = _harness.PartnerClient(partner.ApiKey);
        using var admin = _harness.AdminClient();

        (await admin.PostAsync($"/admin/partners/{partner.PartnerId}:suspend", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var whileSuspended = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        (await admin.PostAsync($"/admin/partners/{partner.PartnerId}:resume", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var afterResume = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, whileSuspended.StatusCode);
        Assert.Equal("partner_suspended", await whileSuspended.ProblemCodeAsync());
        Assert.Equal(HttpStatusCode.OK, afterResume.StatusCode);
    }

    [Fact]
    public async Task A_route_group_outside_the_partners_scopes_is_403()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);

        using var inventory = await client.GetAsync("/v1/inventory/SKU-1", TestContext.Current.CancellationToken);
        using var amazon = await client.PostAsJsonAsync("/partners/amazon/notifications", new { }, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.Forbidden, "scope_not_granted"), (inventory.StatusCode, await inventory.ProblemCodeAsync()));
        Assert.Equal((HttpStatusCode.Forbidden, "scope_not_granted"), (amazon.StatusCode, await amazon.ProblemCodeAsync()));
    }

    [Fact]
    public async Task Key_rotation_keeps_both_keys_working_until_the_old_one_is_revoked()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var admin = _harness.AdminClient();
        using var issued = await admin.PostAsync($"/admin/partners/{partner.PartnerId}/keys", null, TestContext.Current.CancellationToken);
        var newKey = (await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken)).GetProperty("apiKey").GetString()!;
        using var oldClient = _harness.PartnerClient(partner.ApiKey);
        using var newClient = _harness.PartnerClient(newKey);

        using var oldBefore = await oldClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        using var newBefore = await newClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        (await admin.DeleteAsync($"/admin/partners/{partner.PartnerId}/keys/{partner.KeyId}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var oldAfter = await oldClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        using var newAfter = await newClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK],
            [oldBefore.StatusCode, newBefore.StatusCode, oldAfter.StatusCode, newAfter.StatusCode]);
        Assert.Equal(partner.PartnerId, (await newAfter.EchoAsync())!.Header("X-Partner-Id"));
    }

    [Fact]
    public async Task Identity_headers_sent_by_a_caller_are_replaced_and_credentials_are_not_forwarded()
    {
        using var client = _harness.PartnerClient(_partner.ApiKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/orders/o-1");
        request.Headers.Add("X-Partner-Id", _other.PartnerId);
        request.Headers.Add("X-Partner-Channel", "amazon");
        request.Headers.Add("X-Partner-Scopes", "orders,inventory,shopify,amazon,3pl");
        request.Headers.Add("X-Admin-Key", GatewayHarness.AdminKey);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var echo = await response.EchoAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_partner.PartnerId, echo!.Header("X-Partner-Id"));
        Assert.Equal("b2b", echo.Header("X-Partner-Channel"));
        Assert.Equal("orders", echo.Header("X-Partner-Scopes"));
        Assert.Null(echo.Header("X-Api-Key"));
        Assert.Null(echo.Header("X-Admin-Key"));
    }

    [Fact]
    public async Task Each_partners_requests_arrive_stamped_with_that_partner_alone()
    {
        using var first = _harness.PartnerClient(_partner.ApiKey);
        using var second = _harness.PartnerClient(_other.ApiKey);

        var echoes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var (client, expected) = i % 2 == 0 ? (first, _partner) : (second, _other);
            using var response = await client.GetAsync($"/v1/orders/o-{i}", TestContext.Current.CancellationToken);
            return (expected, echo: await response.EchoAsync());
        }));

        Assert.All(echoes, e =>
        {
            Assert.Equal(e.expected.PartnerId, e.echo!.Header("X-Partner-Id"));
            Assert.Equal(e.expected.Channel, e.echo.Header("X-Partner-Channel"));
        });
    }
}
