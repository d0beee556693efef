using System.Diagnostics;
using Distribution.Aspire.Gateway.Partners;
using Distribution.Aspire.Gateway.RateLimiting;
using Distribution.Aspire.TestInfrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.Tests.RateLimiting;

/// <summary>
/// The limiter on a real Redis whose rate-limit calls fail when the test says: what the local fallback allows is
/// charged to the shared bucket and the day's quota once Redis answers, and going back and forth between the two
/// never hands out a fresh burst, so the partner stays within burst + rate × period.
/// </summary>
public sealed class IntermittentRedisTests(TestServers servers) : IAsyncLifetime
{
    private static readonly DateTimeOffset Today = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _clock = new(Today);
    private ConnectionMultiplexer _redis = null!;
    private FlakyRedis _flaky = null!;
    private PartnerRateLimiter _limiter = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        _flaky = new FlakyRedis(_redis);
        _limiter = new PartnerRateLimiter(
            _flaky.Connection,
            _clock,
            Options.Create(new GatewayOptions { RateLimit = new RateLimitOptions { FallbackSeconds = 0.1, Replicas = 1 } }),
            NullLogger<PartnerRateLimiter>.Instance);
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task With_redis_failing_every_other_call_a_partner_gets_no_more_than_its_burst_plus_its_rate_over_the_period()
    {
        var partner = NewPartner(perSecond: 1, burst: 5, dailyQuota: null);
        _flaky.Fails = call => call % 2 == 1;

        var elapsed = Stopwatch.StartNew();
        var allowed = 0;
        while (elapsed.Elapsed < TimeSpan.FromSeconds(3))
        {
            allowed += (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        Assert.True(_flaky.FailedCalls >= 3, $"only {_flaky.FailedCalls} calls failed: the fallback was hardly used");
        Assert.InRange(allowed, 5, 5 + (int)Math.Ceiling(elapsed.Elapsed.TotalSeconds) + 1);
    }

    [Fact]
    public async Task What_the_fallback_allowed_during_an_outage_is_charged_to_the_shared_bucket_and_the_daily_quota_when_redis_answers()
    {
        var partner = NewPartner(perSecond: 1, burst: 10, dailyQuota: 1000);
        var elapsed = Stopwatch.StartNew();
        var allowed = (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;

        _flaky.Fails = _ => true;
        for (var i = 0; i < 20; i++)
        {
            allowed += (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;
        }

        var allowedBeforeRecovery = allowed;
        _flaky.Fails = _ => false;
        await Task.Delay(TimeSpan.FromSeconds(0.2), TestContext.Current.CancellationToken);
        for (var i = 0; i < 5; i++)
        {
            allowed += (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;
        }

        Assert.True(allowedBeforeRecovery >= 9, $"the fallback allowed only {allowedBeforeRecovery - 1} of the 9 tokens left");
        Assert.InRange(allowed, 10, 10 + (int)Math.Ceiling(elapsed.Elapsed.TotalSeconds) + 1);
        var counted = (long)await _redis.GetDatabase().StringGetAsync($"gateway:{{{partner.PartnerId}}}:quota:{Today:yyyyMMdd}");
        Assert.Equal(allowed, counted);
    }

    [Fact]
    public async Task Fallback_spending_sent_with_a_call_whose_answer_was_lost_is_charged_once()
    {
        var partner = NewPartner(perSecond: 1, burst: 10, dailyQuota: 1000);
        var allowed = (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;
        _flaky.Fails = _ => true;
        for (var i = 0; i < 20; i++)
        {
            allowed += (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;
        }

        // The first call after the outage charges the debt, but its answer is lost: the replica sends the same batch again.
        var firstAfter = _flaky.ScriptCalls;
        _flaky.Fails = _ => false;
        _flaky.LosesAnswer = call => call == firstAfter;
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(0.15), TestContext.Current.CancellationToken);
            allowed += (await _limiter.AcquireAsync(partner)).Allowed ? 1 : 0;
        }

        Assert.True(_flaky.ScriptCalls > firstAfter + 1, "the batch was not sent again");
        var counted = (long)await _redis.GetDatabase().StringGetAsync($"gateway:{{{partner.PartnerId}}}:quota:{Today:yyyyMMdd}");
        Assert.Equal(allowed, counted);
    }

    [Fact]
    public async Task A_lease_call_cancelled_by_a_reconnect_falls_back_instead_of_failing_the_partners_requests()
    {
        var partner = NewPartner(perSecond: 1, burst: 10, dailyQuota: null);
        _flaky.Cancels = call => call == 0;

        var first = await _limiter.AcquireAsync(partner);

        // Redis is back for the calls after it: leasing resumes once the fallback period is over.
        await Task.Delay(TimeSpan.FromSeconds(0.2), TestContext.Current.CancellationToken);
        var later = await _limiter.AcquireAsync(partner);
        Assert.True(first.Allowed, "the request that met the cancelled lease was refused");
        Assert.True(later.Allowed, "the partner's next request was refused");
        Assert.True(_flaky.ScriptCalls >= 2, "no lease was asked for after the cancelled one");
    }

    private static Partner NewPartner(int perSecond, int burst, int? dailyQuota) => new()
    {
        PartnerId = GatewayHarness.NewPartnerId("flaky"),
        Kind = "b2b",
        Channel = "b2b",
        Suspended = false,
        Scopes = PartnerScopes.Orders,
        ScopesHeader = "orders",
        RateLimit = new RatePolicy(perSecond, burst, dailyQuota),
        Keys = [],
    };
}
