using Distribution.Aspire.Gateway.Partners;

namespace Distribution.Aspire.Gateway.RateLimiting;

/// <summary>
/// One partner's budget as seen by this replica: tokens leased from the shared Redis bucket, the last word from
/// Redis about the shared bucket and quota, and the local fallback limiter for Redis outages. What the fallback
/// allows is a debt that the next lease charges to the shared bucket and quota, and a fallback starts from what
/// Redis last said was left, so going back and forth between Redis and the fallback adds nothing to the budget.
/// </summary>
internal sealed class PartnerBucket(PartnerRateLimiter limiter, string partnerId)
{
    private readonly object _gate = new();
    private readonly TimeProvider _time = limiter.Time;
    private RatePolicy? _policy;
    private int _local;
    private int _giveBack;
    private int _waiting;
    private int _lowWater;
    private long _leaseExpires;
    private int _leaseDay;
    private bool _sharedKnown;
    private int _sharedTokensLeft;
    private long _sharedAt;
    private long _deniedUntil;
    private int _quotaDeniedDay = -1;
    private long _quotaUsed;
    private int _quotaUsedDay = -1;
    private Task? _pending;
    private LocalTokenBucket? _fallback;
    private double _debtTokens;
    private long _debtRequests;
    private int _debtDay = -1;
    private DebtBatch? _debtInFlight;

    public async ValueTask<RateDecision> AcquireAsync(RatePolicy policy)
    {
        var waiting = false;
        for (var attempt = 0; ; attempt++)
        {
            Task pending;
            lock (_gate)
            {
                if (waiting)
                {
                    _waiting--;
                    waiting = false;
                }

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
                    DropFallback(now);
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
                    _fallback ??= new LocalTokenBucket(
                        policy, limiter.Options.Replicas, QuotaUsedEstimate(today), SharedTokensEstimate(policy, now), now, today, _time.TimestampFrequency);
                    return _fallback.TryAcquire(now, today, ticksUntilTomorrow);
                }

                if (attempt >= 8)
                {
                    // Other requests took each lease we waited for: the shared bucket is all but empty.
                    return RateExceeded(policy, _time.TimestampFrequency / Math.Max(1, policy.PerSecond));
                }

                _waiting++;
                waiting = true;
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
        var known = _sharedKnown ? Math.Max(0, _sharedTokensLeft) : policy.Burst;
        var want = Math.Clamp(known / 4, 1, maxLease);
        if (policy.DailyQuota is int quota)
        {
            var quotaLeft = quota - (_quotaUsedDay == today ? _quotaUsed : 0);
            want = Math.Clamp(Math.Min(want, (int)Math.Min(int.MaxValue, quotaLeft / 4)), 1, maxLease);
        }

        // Requests already waiting spend their tokens the moment the lease arrives, so asking for one each
        // cannot strand any; without this a slow partner's concurrent requests would queue one Redis call each.
        want = Math.Max(want, _waiting);

        // What the fallback allowed goes with this lease. A batch stays the same (id included) until a lease carrying
        // it gets an answer, so a call that timed out after Redis ran it does not charge the same requests twice.
        if (_fallback is not null)
        {
            AddDebt(_fallback.TakeDebt(now));
        }

        if (_debtInFlight is null && (_debtTokens > 0 || _debtRequests > 0))
        {
            _debtInFlight = new DebtBatch(Guid.NewGuid().ToString("N"), _debtTokens, _debtRequests, _debtDay);
            _debtTokens = 0;
            _debtRequests = 0;
        }

        var debt = _debtInFlight;
        return new TokenBucketScript.RatePolicyArgs(
            policy.PerSecond, policy.Burst, want, giveBack, policy.DailyQuota ?? 0, quotaGiveBack,
            debt?.Tokens ?? 0, debt is { } batch && batch.Day == today ? batch.Requests : 0, debt?.Id);
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
        catch (Exception ex)
        {
            // Any failure, not only Redis's own: a reconnecting multiplexer cancels the commands it had in flight
            // (TaskCanceledException). An exception leaving this method would skip the reset below, and every request of
            // the partner would then await this faulted lease for as long as the gateway runs.
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
            if (_debtInFlight?.Id == args.DebtId)
            {
                _debtInFlight = null;
            }

            _sharedKnown = true;
            _sharedTokensLeft = taken.TokensLeft;
            _sharedAt = now;
            _quotaUsed = taken.QuotaUsed;
            _quotaUsedDay = day;
            DropFallback(now);
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

    /// <summary>Redis answers again (or the limits changed): the fallback's debt waits for the next lease, the fallback goes.</summary>
    private void DropFallback(long now)
    {
        if (_fallback is not null)
        {
            AddDebt(_fallback.TakeDebt(now));
            _fallback = null;
        }
    }

    private void AddDebt((double Tokens, long Requests, int Day) debt)
    {
        _debtTokens += debt.Tokens;
        if (debt.Day != _debtDay)
        {
            // Requests of a day that is over no longer count against any quota.
            _debtRequests = 0;
            _debtDay = debt.Day;
        }

        _debtRequests += debt.Requests;
    }

    /// <summary>
    /// What the shared bucket holds now, as far as this replica knows: Redis's last answer, refilled since, less the
    /// fallback's spending Redis has not been told of. Null before any answer (a fallback then starts full).
    /// </summary>
    private double? SharedTokensEstimate(RatePolicy policy, long now)
    {
        if (!_sharedKnown)
        {
            return null;
        }

        var refilled = Math.Min(policy.Burst, _sharedTokensLeft + ((now - _sharedAt) * (double)policy.PerSecond / _time.TimestampFrequency));
        return refilled - _debtTokens - (_debtInFlight?.Tokens ?? 0);
    }

    private long QuotaUsedEstimate(int today) =>
        (_quotaUsedDay == today ? _quotaUsed : 0)
        + (_debtDay == today ? _debtRequests : 0)
        + (_debtInFlight is { } batch && batch.Day == today ? batch.Requests : 0);

    private RateDecision Allowed(RatePolicy policy)
    {
        var remaining = Math.Min(policy.Burst, Math.Max(0, _sharedKnown ? _sharedTokensLeft : 0) + _local);
        return new RateDecision(RateVerdict.Allowed, policy.Burst, remaining, (int)Math.Ceiling((policy.Burst - remaining) / (double)policy.PerSecond));
    }

    private RateDecision RateExceeded(RatePolicy policy, long waitTicks) =>
        new(RateVerdict.RateExceeded, policy.Burst, 0, Math.Max(1, (int)Math.Ceiling(waitTicks / (double)_time.TimestampFrequency)));

    private static RateDecision QuotaExceeded(RatePolicy policy, long ticksUntilTomorrow) =>
        new(RateVerdict.QuotaExceeded, policy.DailyQuota ?? 0, 0, Math.Max(1, (int)Math.Ceiling(ticksUntilTomorrow / (double)TimeSpan.TicksPerSecond)));

    private static string DayKey(int day) => DateOnly.FromDayNumber(day).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The per-replica limiter used while Redis is unreachable: this replica's share of rate, burst and quota. It starts
    /// from its share of what the shared bucket holds (not full: a Redis that keeps failing and recovering would
    /// otherwise hand out a burst each time) and keeps a shadow of the level it would have had without spending;
    /// the difference is the debt the next lease charges to the shared bucket.
    /// </summary>
    private sealed class LocalTokenBucket
    {
        private readonly RatePolicy _policy;
        private readonly int _replicas;
        private readonly long _frequency;
        private readonly double _rate;
        private readonly double _burst;
        private long _quotaShare;
        private double _tokens;
        private double _shadow;
        private long _refilledAt;
        private int _day;
        private long _quotaUsed;
        private long _unchargedRequests;

        public LocalTokenBucket(RatePolicy policy, int replicas, long quotaUsedBefore, double? sharedTokens, long now, int today, long frequency)
        {
            _policy = policy;
            _replicas = Math.Max(1, replicas);
            _frequency = frequency;
            _rate = Math.Max(policy.PerSecond / (double)_replicas, 0.001);
            _burst = Math.Max(1, policy.Burst / (double)_replicas);
            _quotaShare = QuotaShare(policy, _replicas, quotaUsedBefore);
            _tokens = sharedTokens is double shared ? Math.Min(_burst, shared / _replicas) : _burst;
            _shadow = _tokens;
            _refilledAt = now;
            _day = today;
        }

        public RateDecision TryAcquire(long now, int today, long ticksUntilTomorrow)
        {
            if (today != _day)
            {
                _day = today;
                _quotaUsed = 0;
                _unchargedRequests = 0;
                _quotaShare = QuotaShare(_policy, _replicas, 0);
            }

            Refill(now);
            if (_quotaUsed >= _quotaShare)
            {
                return QuotaExceeded(_policy, ticksUntilTomorrow);
            }

            if (_tokens < 1)
            {
                return new RateDecision(RateVerdict.RateExceeded, _policy.Burst, 0, Math.Max(1, (int)Math.Ceiling((1 - _tokens) / _rate)));
            }

            _tokens--;
            _quotaUsed++;
            _unchargedRequests++;
            return new RateDecision(RateVerdict.Allowed, _policy.Burst, (int)_tokens, (int)Math.Ceiling((_burst - _tokens) / _rate));
        }

        /// <summary>What was spent since the last call, in tokens (refill the cap wasted included) and in requests of the day.</summary>
        public (double Tokens, long Requests, int Day) TakeDebt(long now)
        {
            Refill(now);
            var debt = (Math.Max(0, _shadow - _tokens), _unchargedRequests, _day);
            _shadow = _tokens;
            _unchargedRequests = 0;
            return debt;
        }

        private void Refill(long now)
        {
            var refill = (now - _refilledAt) * _rate / _frequency;
            _tokens = Math.Min(_burst, _tokens + refill);
            _shadow = Math.Min(_burst, _shadow + refill);
            _refilledAt = now;
        }

        private static long QuotaShare(RatePolicy policy, int replicas, long usedBefore) =>
            policy.DailyQuota is int quota ? Math.Max(0, (quota - usedBefore) / replicas) : long.MaxValue;
    }

    /// <summary>Fallback spending sent to Redis under one id until a lease carrying it is answered.</summary>
    private sealed record DebtBatch(string Id, double Tokens, long Requests, int Day);
}
