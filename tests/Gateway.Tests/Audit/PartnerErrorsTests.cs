using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Distribution.Aspire.TestInfrastructure;

namespace Distribution.Aspire.Gateway.Tests.Audit;

/// <summary>
/// Operators see each partner's recent error answers (<c>GET /admin/partner-errors</c>): counts by status and the
/// newest samples with the gateway's refusal code, kept in Redis so every replica reports the same.
/// </summary>
public sealed class PartnerErrorsTests(TestServers servers) : IAsyncLifetime
{
    private GatewayHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await GatewayHarness.StartAsync(servers);

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_partners_refusals_and_destination_errors_are_counted_by_status_newest_sample_first()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var client = _harness.PartnerClient(partner.ApiKey);
        using var refused = await client.GetAsync("/v1/inventory/SKU-1", TestContext.Current.CancellationToken);
        using var failed = await client.GetAsync("/v1/orders/x?status=500", TestContext.Current.CancellationToken);
        using var fine = await client.GetAsync("/v1/orders/x", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);

        // A second replica reads what the first wrote: the log lives in Redis.
        using var admin = _harness.AdminClient(await _harness.StartGatewayAsync());
        var summary = await WaitForPartnerAsync(admin, partner.PartnerId, errors: 2);

        Assert.Equal(1, summary.GetProperty("byStatus").GetProperty("403").GetInt64());
        Assert.Equal(1, summary.GetProperty("byStatus").GetProperty("500").GetInt64());
        var recent = summary.GetProperty("recent").EnumerateArray().ToList();
        Assert.Equal([500, 403], recent.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("scope_not_granted", recent[1].GetProperty("code").GetString());
        Assert.Equal("inventory", recent[1].GetProperty("routeGroup").GetString());
        Assert.Equal(JsonValueKind.Null, recent[0].GetProperty("code").ValueKind);
        Assert.Equal(refused.Header("X-Correlation-Id"), recent[1].GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Unauthenticated_callers_are_not_counted_against_a_partner_and_the_list_needs_the_admin_key()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"]);
        using var stranger = _harness.PartnerClient($"dak_{partner.KeyId}_wrong");
        using var refused = await stranger.GetAsync("/v1/orders/x", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var suspended = _harness.AdminClient();
        (await suspended.PostAsync($"/admin/partners/{partner.PartnerId}:suspend", null, TestContext.Current.CancellationToken)).Dispose();
        using var partnerClient = _harness.PartnerClient(partner.ApiKey);
        using var forbidden = await partnerClient.GetAsync("/v1/orders/x", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var admin = _harness.AdminClient();
        var summary = await WaitForPartnerAsync(admin, partner.PartnerId, errors: 1);
        using var anonymous = _harness.Client();
        using var closed = await anonymous.GetAsync("/admin/partner-errors", TestContext.Current.CancellationToken);

        Assert.Equal("partner_suspended", summary.GetProperty("recent")[0].GetProperty("code").GetString());
        Assert.Equal(1, summary.GetProperty("errors").GetInt64());
        Assert.Equal(HttpStatusCode.Unauthorized, closed.StatusCode);
    }

    private static async Task<JsonElement> WaitForPartnerAsync(HttpClient admin, string partnerId, int errors)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var report = await admin.GetFromJsonAsync<JsonElement>("/admin/partner-errors?minutes=5", TestContext.Current.CancellationToken);
            Assert.Equal(5, report.GetProperty("windowMinutes").GetInt32());
            last = report.GetProperty("partners").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(p => p!.Value.GetProperty("partnerId").GetString() == partnerId);
            if (last?.GetProperty("errors").GetInt64() >= errors)
            {
                return last.Value;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException($"Partner {partnerId} did not reach {errors} errors; last seen: {last}");
    }
}
