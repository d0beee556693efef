using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;
using Npgsql;

namespace Distribution.Aspire.Gateway.Tests.Partners;

/// <summary>The partner registry through the real admin API, with what ends up in gatewaydb checked directly.</summary>
public sealed class PartnerAdminTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await GatewayHarness.StartAsync(servers);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Creating_a_partner_shows_its_key_once_and_stores_only_the_keys_hash()
    {
        var partnerId = GatewayHarness.NewPartnerId();
        using var admin = _harness.AdminClient();

        using var created = await admin.PostAsJsonAsync("/admin/partners", new
        {
            partnerId,
            kind = "b2b",
            channel = "b2b",
            scopes = new[] { "orders", "inventory" },
            rateLimit = new { perSecond = 50, burst = 100 },
            dailyQuota = 10_000,
        }, TestContext.Current.CancellationToken);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var apiKey = body.GetProperty("apiKey").GetString()!;
        var keyId = body.GetProperty("keyId").GetString()!;
        var shown = await admin.GetStringAsync($"/admin/partners/{partnerId}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/admin/partners/{partnerId}", created.Headers.Location?.ToString());
        Assert.Equal(partnerId, body.GetProperty("partnerId").GetString());
        Assert.StartsWith($"dak_{keyId}_", apiKey, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey[^20..], shown, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", shown, StringComparison.OrdinalIgnoreCase);
        var view = JsonDocument.Parse(shown).RootElement;
        Assert.Equal(keyId, view.GetProperty("keys")[0].GetProperty("keyId").GetString());
        Assert.Equal(100, view.GetProperty("rateLimit").GetProperty("burst").GetInt32());
        Assert.Equal(10_000, view.GetProperty("dailyQuota").GetInt32());

        var stored = await QueryAsync<byte[]>("SELECT key_hash FROM partner_keys WHERE key_id = @p", keyId);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)), stored);
        var rows = await QueryAsync<string>("SELECT string_agg(row_to_json(k)::text, '') FROM partner_keys k WHERE partner_id = @p", partnerId);
        Assert.DoesNotContain(apiKey[^20..], rows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_secrets_are_stored_encrypted_and_never_shown()
    {
        var partner = await _harness.CreatePartnerAsync(["3pl"], kind: "3pl", channel: "3pl");
        const string secret = "whsec-very-distinctive-plaintext";

        await _harness.SetWebhookSecretAsync(partner.PartnerId, secret);
        using var admin = _harness.AdminClient();
        var shown = await admin.GetStringAsync($"/admin/partners/{partner.PartnerId}", TestContext.Current.CancellationToken);
        var cipher = await QueryAsync<byte[]>("SELECT webhook_secret_cipher FROM partners WHERE partner_id = @p", partner.PartnerId);

        Assert.True(JsonDocument.Parse(shown).RootElement.GetProperty("hasWebhookSecret").GetBoolean());
        Assert.DoesNotContain(secret, shown, StringComparison.Ordinal);
        Assert.True(cipher.Length > secret.Length);
        Assert.False(cipher.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) >= 0);
        Assert.False(cipher.AsSpan().IndexOf(Encoding.UTF8.GetBytes("very-distinctive")) >= 0);
    }

    [Fact]
    public async Task An_invalid_partner_is_refused_with_every_problem_named_and_nothing_stored()
    {
        var partnerId = "Bad Id!";
        using var admin = _harness.AdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/partners", new
        {
            partnerId,
            kind = "reseller",
            scopes = new[] { "orders", "payments" },
            rateLimit = new { perSecond = 0 },
            dailyQuota = -1,
        }, TestContext.Current.CancellationToken);
        var problem = await response.ProblemAsync();
        var partners = await admin.GetFromJsonAsync<JsonElement[]>("/admin/partners", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "partnerId", "kind", "channel", "scopes", "rateLimit.perSecond", "rateLimit.burst", "dailyQuota" }, fields);
        Assert.DoesNotContain(partners!, p => p.GetProperty("partnerId").GetString() == partnerId);
    }

    [Fact]
    public async Task A_shopify_partner_must_name_its_shop_domain()
    {
        using var admin = _harness.AdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/partners", new
        {
            partnerId = GatewayHarness.NewPartnerId(),
            kind = "marketplace",
            channel = "shopify",
            scopes = new[] { "shopify" },
            rateLimit = new { perSecond = 10, burst = 20 },
        }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("shopDomain", out _));
    }

    [Fact]
    public async Task Partner_ids_and_shop_domains_are_unique()
    {
        var shop = $"{GatewayHarness.NewPartnerId("shop")}.myshopify.com";
        var first = await _harness.CreatePartnerAsync(["shopify"], kind: "marketplace", channel: "shopify", shopDomain: shop);
        using var admin = _harness.AdminClient();

        using var sameId = await admin.PostAsJsonAsync("/admin/partners", NewPartner(first.PartnerId, ["orders"]), TestContext.Current.CancellationToken);
        using var sameShop = await admin.PostAsJsonAsync("/admin/partners", NewPartner(GatewayHarness.NewPartnerId(), ["shopify"], shop.ToUpperInvariant()), TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.Conflict, "partner_exists"), (sameId.StatusCode, await sameId.ProblemCodeAsync()));
        Assert.Equal((HttpStatusCode.Conflict, "shop_domain_taken"), (sameShop.StatusCode, await sameShop.ProblemCodeAsync()));
    }

    [Fact]
    public async Task A_partner_holds_at_most_two_active_keys_and_a_revoked_one_frees_a_place()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var admin = _harness.AdminClient();

        using var second = await admin.PostAsync($"/admin/partners/{partner.PartnerId}/keys", null, TestContext.Current.CancellationToken);
        using var third = await admin.PostAsync($"/admin/partners/{partner.PartnerId}/keys", null, TestContext.Current.CancellationToken);
        using var revoked = await admin.DeleteAsync($"/admin/partners/{partner.PartnerId}/keys/{partner.KeyId}", TestContext.Current.CancellationToken);
        using var revokedAgain = await admin.DeleteAsync($"/admin/partners/{partner.PartnerId}/keys/{partner.KeyId}", TestContext.Current.CancellationToken);
        using var unknown = await admin.DeleteAsync($"/admin/partners/{partner.PartnerId}/keys/0000000000000000", TestContext.Current.CancellationToken);
        using var afterRevoke = await admin.PostAsync($"/admin/partners/{partner.PartnerId}/keys", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.StartsWith("dak_", (await second.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("apiKey").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Conflict, "key_limit_reached"), (third.StatusCode, await third.ProblemCodeAsync()));
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revokedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task Concurrent_key_issues_never_leave_more_than_two_active_keys()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var admin = _harness.AdminClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => admin.PostAsync($"/admin/partners/{partner.PartnerId}/keys", null, TestContext.Current.CancellationToken)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(2L, await QueryAsync<long>("SELECT count(*) FROM partner_keys WHERE partner_id = @p AND revoked_at IS NULL", partner.PartnerId));
    }

    [Fact]
    public async Task Key_issues_that_waited_for_each_other_still_count_the_key_issued_before_them()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var admin = _harness.AdminClient();

        // Both issues start while the partner row is locked, so each waits, and takes its turn only after the other.
        await using var holder = new NpgsqlConnection(_harness.Settings["ConnectionStrings:gatewaydb"]);
        await holder.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = await holder.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM partners WHERE partner_id = @p FOR UPDATE", holder, transaction))
        {
            hold.Parameters.AddWithValue("p", partner.PartnerId);
            await hold.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        }

        var issues = Enumerable.Range(0, 2).Select(_ => admin.PostAsync($"/admin/partners/{partner.PartnerId}/keys", null, TestContext.Current.CancellationToken)).ToList();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        while (await QueryAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE @p", "%FROM partners%FOR UPDATE%") < 2)
        {
            await Task.Delay(20, patience.Token);
        }

        await transaction.CommitAsync(TestContext.Current.CancellationToken);

        var answers = await Task.WhenAll(issues);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Equal(2L, await QueryAsync<long>("SELECT count(*) FROM partner_keys WHERE partner_id = @p AND revoked_at IS NULL", partner.PartnerId));
    }

    [Fact]
    public async Task Unknown_partners_answer_404_everywhere()
    {
        using var admin = _harness.AdminClient();
        var id = GatewayHarness.NewPartnerId();

        HttpResponseMessage[] answers =
        [
            await admin.GetAsync($"/admin/partners/{id}", TestContext.Current.CancellationToken),
            await admin.PostAsync($"/admin/partners/{id}/keys", null, TestContext.Current.CancellationToken),
            await admin.PostAsync($"/admin/partners/{id}:suspend", null, TestContext.Current.CancellationToken),
            await admin.PutAsJsonAsync($"/admin/partners/{id}/webhook-secret", new { secret = "s3cret" }, TestContext.Current.CancellationToken),
            await admin.PutAsJsonAsync($"/admin/partners/{id}/limits", new { rateLimit = new { perSecond = 1, burst = 1 } }, TestContext.Current.CancellationToken),
        ];

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NotFound, a.StatusCode));
    }

    [Theory]
    [InlineData("GET", "/admin/partners")]
    [InlineData("POST", "/admin/partners")]
    [InlineData("POST", "/admin/partners/any/keys")]
    [InlineData("DELETE", "/admin/partners/any/keys/abc")]
    [InlineData("PUT", "/admin/partners/any/webhook-secret")]
    [InlineData("POST", "/admin/partners/any:suspend")]
    [InlineData("POST", "/admin/partners/any:resume")]
    [InlineData("PATCH", "/admin/partners/any")]
    [InlineData("PUT", "/admin/partners/any/limits")]
    public async Task The_admin_api_needs_the_operators_key_and_a_partner_key_is_not_one(string method, string path)
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var client = _harness.PartnerClient(partner.ApiKey);
        client.DefaultRequestHeaders.Add("X-Admin-Key", partner.ApiKey);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await response.ProblemCodeAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var admin = _harness.AdminClient();

        using var response = await admin.PostAsync("/admin/partners", new StringContent("{\"partnerId\": ", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Changed_limits_apply_to_the_next_requests()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"], perSecond: 1000, burst: 1000);
        using var client = _harness.PartnerClient(partner.ApiKey);
        using var admin = _harness.AdminClient();
        using var warm = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        using var changed = await admin.PutAsJsonAsync($"/admin/partners/{partner.PartnerId}/limits", new { rateLimit = new { perSecond = 1, burst = 1 } }, TestContext.Current.CancellationToken);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task A_change_made_on_one_replica_takes_effect_on_another_within_seconds()
    {
        var other = await _harness.StartGatewayAsync();
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var client = _harness.PartnerClient(partner.ApiKey, other);
        using var warm = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        using var admin = _harness.AdminClient();
        using var suspended = await admin.PostAsync($"/admin/partners/{partner.PartnerId}:suspend", null, TestContext.Current.CancellationToken);
        var started = DateTime.UtcNow;
        HttpStatusCode status;
        do
        {
            using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow - started < TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), $"took {DateTime.UtcNow - started}");
    }

    private static object NewPartner(string partnerId, string[] scopes, string? shopDomain = null) => new
    {
        partnerId,
        kind = "b2b",
        channel = "b2b",
        scopes,
        rateLimit = new { perSecond = 10, burst = 10 },
        shopDomain,
    };

    private async Task<T> QueryAsync<T>(string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(_harness.Settings["ConnectionStrings:gatewaydb"]);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
