using Distribution.Aspire.Gateway.Partners;

namespace Distribution.Aspire.Gateway.RateLimiting;

/// <summary>
/// One partner's budget as seen by this replica: tokens leased from the shared Redis bucket, the last word from
/// Redis about the shared bucket and quota, and the local fallback limiter for Redis outages.
/// </summary>
internal sealed class PartnerBucket(PartnerRateLimiter limiter, string partnerId)
{
    private readonly object _gate = new();
    private readonly TimeProvider _time = limiter.Time;
    private RatePolicy? _policy;
    private int _local;
    private int _giveBack;
    private int _lowWater;
    private long _leaseExpires;
    private int _leaseDay;
    private int _sharedTokensLeft = -1;
    private long _deniedUntil;
    private int _quotaDeniedDay = -1;
    private long _quotaUsed;
    private int _quotaUsedDay = -1;
    private Task? _pending;
    private LocalTokenBucket? _fallback;

    public async ValueTask<RateDecision> AcquireAsync(RatePolicy policy)
    {
        for (var attempt = 0; ; attempt++)
        {
            Task pending;
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                var today = limiter.Today(out var ticksUntilTomorrow);
                if (policy != _policy)
                {
                    // New limits apply at once: tokens leased under the old ones go back, earlier denials are forgotten.
                    _giveBack += _local;
                    _local = 0;
                    _policy = policy;
                    _deniedUntil = 0;
                    _quotaDeniedDay = -1;
                    _fallback = null;
                }

                if (_local > 0 && now < _leaseExpires && _leaseDay == today)
                {
                    _local--;
                    if (_local <= _lowWater && _lowWater > 0 && _pending is null && limiter.RedisAvailable(now))
                    {
                        // Fetch the next lease before this one runs out, so the hot path does not wait for Redis.
                        _pending = LeaseAsync(PrepareLease(policy, now, today), today);
                    }

                    return Allowed(policy);
                }

                if (_quotaDeniedDay == today)
                {
                    return QuotaExceeded(policy, ticksUntilTomorrow);
                }

                if (now < _deniedUntil)
                {
                    return RateExceeded(policy, _deniedUntil - now);
                }

                if (!limiter.RedisAvailable(now))
                {
                    _fallback ??= new LocalTokenBucket(policy, limiter.Options.Replicas, _quotaUsedDay == today ? _quotaUsed : 0, now, today, _time.TimestampFrequency);
                    return _fallback.TryAcquire(now, today, ticksUntilTomorrow);
                }

                if (attempt >= 3)
                {
                    // Other requests took each lease we waited for: the shared bucket is all but empty.
                    return RateExceeded(policy, _time.TimestampFrequency / Math.Max(1, policy.PerSecond));
                }

                _pending ??= LeaseAsync(PrepareLease(policy, now, today), today);
                pending = _pending;
            }

            await pending;
        }
    }

    /// <summary>Under the lock: what to ask Redis for, and the expired lease's leftovers to give back.</summary>
    private TokenBucketScript.RatePolicyArgs PrepareLease(RatePolicy policy, long now, int today)
    {
        var giveBack = _giveBack;
        var quotaGiveBack = _leaseDay == today ? _giveBack : 0;
        _giveBack = 0;
        if (_local > 0 && (now >= _leaseExpires || _leaseDay != today))
        {
            giveBack += _local;
            quotaGiveBack += _leaseDay == today ? _local : 0;
            _local = 0;
        }

        // Lease a quarter of what the shared bucket had left, at most LeaseSeconds' worth of the rate: near an
        // empty bucket every replica asks for one token at a time, so the limit stays exact where it matters.
        var maxLease = Math.Max(1, (int)(policy.PerSecond * limiter.Options.LeaseSeconds));
        var known = _sharedTokensLeft < 0 ? policy.Burst : _sharedTokensLeft;
        var want = Math.Clamp(known / 4, 1, maxLease);
        if (policy.DailyQuota is int quota)
        {
            var quotaLeft = quota - (_quotaUsedDay == today ? _quotaUsed : 0);
            want = Math.Clamp(Math.Min(want, (int)Math.Min(int.MaxValue, quotaLeft / 4)), 1, maxLease);
        }

        return new TokenBucketScript.RatePolicyArgs(policy.PerSecond, policy.Burst, want, giveBack, policy.DailyQuota ?? 0, quotaGiveBack);
    }

    private async Task LeaseAsync(TokenBucketScript.RatePolicyArgs args, int day)
    {
        // Runs after the caller released the lock and stored this task as the pending lease.
        await Task.Yield();
        TokenBucketScript.Lease? lease = null;
        try
        {
            var timeout = TimeSpan.FromMilliseconds(limiter.Options.RedisTimeoutMilliseconds);
            lease = await TokenBucketScript.TakeAsync(limiter.Database, partnerId, DayKey(day), args, timeout);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException or ObjectDisposedException)
        {
            limiter.RedisFailed(ex);
        }

        lock (_gate)
        {
            _pending = null;
            if (lease is not { } taken)
            {
                return;
            }

            var now = _time.GetTimestamp();
            _sharedTokensLeft = taken.TokensLeft;
            _quotaUsed = taken.QuotaUsed;
            _quotaUsedDay = day;
            _fallback = null;
            if (taken.Granted > 0)
            {
                _local += taken.Granted;
                _lowWater = taken.Granted / 4;
                _leaseExpires = now + (long)(limiter.Options.LeaseLifetimeSeconds * _time.TimestampFrequency);
                _leaseDay = day;
                _deniedUntil = 0;
            }
            else if (taken.LimitedBy == RateVerdict.QuotaExceeded)
            {
                _quotaDeniedDay = day;
            }
            else
            {
                // No token can appear in the shared bucket before then, so nobody needs to ask Redis until then.
                _deniedUntil = now + Math.Max(1, taken.WaitMilliseconds * _time.TimestampFrequency / 1000);
            }
        }
    }

    private RateDecision Allowed(RatePolicy policy)
    {
        var remaining = Math.Min(policy.Burst, Math.Max(0, _sharedTokensLeft) + _local);
        return new RateDecision(RateVerdict.Allowed, policy.Burst, remaining, (int)Math.Ceiling((policy.Burst - remaining) / (double)policy.PerSecond));
    }

    private RateDecision RateExceeded(RatePolicy policy, long waitTicks) =>
        new(RateVerdict.RateExceeded, policy.Burst, 0, Math.Max(1, (int)Math.Ceiling(waitTicks / (double)_time.TimestampFrequency)));

    private static RateDecision QuotaExceeded(RatePolicy policy, long ticksUntilTomorrow) =>
        new(RateVerdict.QuotaExceeded, policy.DailyQuota ?? 0, 0, Math.Max(1, (int)Math.Ceiling(ticksUntilTomorrow / (double)TimeSpan.TicksPerSecond)));

    private static string DayKey(int day) => DateOnly.FromDayNumber(day).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The per-replica limiter used while Redis is unreachable: this replica's share of rate, burst and quota.</summary>
    private sealed class LocalTokenBucket(RatePolicy policy, int replicas, long quotaUsedBefore, long now, int today, long frequency)
    {
        private readonly double _rate = Math.Max(policy.PerSecond / (double)Math.Max(1, replicas), 0.001);
        private readonly double _burst = Math.Max(1, policy.Burst / (double)Math.Max(1, replicas));
        private long _quotaShare = QuotaShare(policy, replicas, quotaUsedBefore);
        private double _tokens = Math.Max(1, policy.Burst / (double)Math.Max(1, replicas));
        private long _refilledAt = now;
        private int _day = today;
        private long _quotaUsed;

        public RateDecision TryAcquire(long now, int today, long ticksUntilTomorrow)
        {
            if (today != _day)
            {
                _day = today;
                _quotaUsed = 0;
                _quotaShare = QuotaShare(policy, replicas, 0);
            }

            _tokens = Math.Min(_burst, _tokens + ((now - _refilledAt) * _rate / frequency));
            _refilledAt = now;
            if (_quotaUsed >= _quotaShare)
            {
                return QuotaExceeded(policy, ticksUntilTomorrow);
            }

            if (_tokens < 1)
            {
                return new RateDecision(RateVerdict.RateExceeded, policy.Burst, 0, Math.Max(1, (int)Math.Ceiling((1 - _tokens) / _rate)));
            }

            _tokens--;
            _quotaUsed++;
            return new RateDecision(RateVerdict.Allowed, policy.Burst, (int)_tokens, (int)Math.Ceiling((_burst - _tokens) / _rate));
        }

        private static long QuotaShare(RatePolicy policy, int replicas, long usedBefore) =>
            policy.DailyQuota is int quota ? Math.Max(0, (quota - usedBefore) / Math.Max(1, replicas)) : long.MaxValue;
    }
}
