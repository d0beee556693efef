using System.Diagnostics;
using System.Net;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Distribution.Aspire.Gateway.Tests.RateLimiting;

/// <summary>Per-partner budgets held in Redis, shared by two gateway replicas.</summary>
public sealed class RateLimitTests(TestServers servers) : IAsyncLifetime
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 28, 23, 59, 58, TimeSpan.Zero));
    private GatewayHarness _harness = null!;
    private GatewayFactory _second = null!;

    public async ValueTask InitializeAsync()
    {
        // Leases of up to a second's rate, so that small budgets are leased in batches too.
        _harness = await GatewayHarness.StartAsync(servers, new Dictionary<string, string?> { ["Gateway:RateLimit:LeaseSeconds"] = "1" }, UseClock);
        _second = await _harness.StartGatewayAsync(UseClock);
    }

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Two_replicas_together_allow_exactly_the_burst_then_answer_429()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"], perSecond: 1, burst: 10);
        using var first = _harness.PartnerClient(partner.ApiKey);
        using var second = _harness.PartnerClient(partner.ApiKey, _second);

        var elapsed = Stopwatch.StartNew();
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            responses.Add(await (i % 2 == 0 ? first : second).GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken));
        }

        elapsed.Stop();
        var allowed = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refilled = (int)elapsed.Elapsed.TotalSeconds;
        Assert.InRange(allowed, 10, 10 + refilled);
        Assert.Contains(responses.Where(r => r.StatusCode == HttpStatusCode.OK), r => r.RequestMessage!.RequestUri!.Port == _second.Address.Port);
        var limited = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.All(limited, r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        foreach (var response in limited)
        {
            Assert.Equal("rate_limited", await response.ProblemCodeAsync());
            Assert.True(int.Parse(response.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Equal("10", response.Header("RateLimit-Limit"));
            Assert.Equal("0", response.Header("RateLimit-Remaining"));
            Assert.NotNull(response.Header("RateLimit-Reset"));
        }

        responses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Leased_tokens_never_let_two_replicas_exceed_the_shared_budget()
    {
        // 10/s leases up to 10 tokens at a time here; whatever the interleaving, the replicas together can only
        // spend what Redis handed out, and at most one lease each is left unspent.
        const int burst = 100;
        const int perSecond = 10;
        var partner = await _harness.CreatePartnerAsync(["orders"], perSecond: perSecond, burst: burst);
        using var first = _harness.PartnerClient(partner.ApiKey);
        using var second = _harness.PartnerClient(partner.ApiKey, _second);

        var elapsed = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var client = worker % 2 == 0 ? first : second;
            var seen = new List<HttpStatusCode>();
            for (var i = 0; i < 40; i++)
            {
                using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
                seen.Add(response.StatusCode);
            }

            return seen;
        }));
        elapsed.Stop();

        var allowed = statuses.SelectMany(s => s).Count(s => s == HttpStatusCode.OK);
        Assert.InRange(allowed, burst - (2 * 10), burst + (int)Math.Ceiling(perSecond * elapsed.Elapsed.TotalSeconds));
        Assert.All(statuses.SelectMany(s => s), s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task Successful_answers_carry_the_partners_rate_limit_headers()
    {
        var partner = await _harness.CreatePartnerAsync(["orders"], perSecond: 5, burst: 20);
        using var client = _harness.PartnerClient(partner.ApiKey);

        using var response = await client.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20", response.Header("RateLimit-Limit"));
        Assert.InRange(int.Parse(response.Header("RateLimit-Remaining")!, System.Globalization.CultureInfo.InvariantCulture), 0, 19);
    }

    [Fact]
    public async Task One_partner_over_its_limit_leaves_another_partners_budget_alone()
    {
        var noisy = await _harness.CreatePartnerAsync(["orders"], perSecond: 1, burst: 5);
        var quiet = await _harness.CreatePartnerAsync(["orders"], perSecond: 1, burst: 5);
        using var noisyClient = _harness.PartnerClient(noisy.ApiKey);
        using var quietClient = _harness.PartnerClient(quiet.ApiKey, _second);

        var noisyStatuses = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using var response = await noisyClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            return response.StatusCode;
        }));
        var quietStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await quietClient.GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            quietStatuses.Add(response.StatusCode);
        }

        Assert.True(noisyStatuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 30);
        Assert.All(quietStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task The_daily_quota_is_shared_by_replicas_and_resets_at_midnight_utc()
    {
        _clock.Set(new DateTimeOffset(2026, 11, 28, 23, 59, 58, TimeSpan.Zero));
        var partner = await _harness.CreatePartnerAsync(["orders"], perSecond: 100, burst: 100, dailyQuota: 4);
        using var first = _harness.PartnerClient(partner.ApiKey);
        using var second = _harness.PartnerClient(partner.ApiKey, _second);

        var today = new List<HttpStatusCode>();
        HttpResponseMessage? exhausted = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await (i % 2 == 0 ? first : second).GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            today.Add(response.StatusCode);
            exhausted ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        _clock.Set(new DateTimeOffset(2026, 11, 29, 0, 0, 1, TimeSpan.Zero));
        var tomorrow = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).GetAsync("/v1/orders/o-1", TestContext.Current.CancellationToken);
            tomorrow.Add(response.StatusCode);
        }

        Assert.Equal(4, today.Count(s => s == HttpStatusCode.OK));
        Assert.NotNull(exhausted);
        Assert.Equal("quota_exceeded", await exhausted.ProblemCodeAsync());
        Assert.Equal("2", exhausted.Header("Retry-After"));
        Assert.Equal("4", exhausted.Header("RateLimit-Limit"));
        Assert.Equal(4, tomorrow.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, tomorrow[^1]);
        exhausted.Dispose();
    }

    private void UseClock(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_clock));
}
