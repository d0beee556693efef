using StackExchange.Redis;

namespace Distribution.Aspire.Gateway.RateLimiting;

/// <summary>
/// One atomic Redis call that leases tokens from a partner's shared token bucket and counts them against the
/// partner's daily quota. Redis's own clock drives the refill, so replicas with skewed clocks agree. Unused
/// tokens of an expired lease are given back in the same call, and what a replica's local fallback allowed while
/// Redis was unreachable (its debt) is charged to the bucket and the quota.
/// </summary>
public static class TokenBucketScript
{
    // KEYS[1] bucket hash {tokens, ts}; KEYS[2] today's quota counter; KEYS[3] marker of the debt batch sent.
    // ARGV: rate per second, burst, tokens wanted, tokens given back, daily quota (0 = none), quota given back, quota key TTL (s),
    //       debt in tokens, debt in requests (today's quota).
    // Returns {granted, tokens left (floor, negative while a debt is being paid off), ms until the next token,
    //          limited by (0 none, 1 rate, 2 quota), quota used today}.
    public const string Source = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local want = tonumber(ARGV[3])
        local back = tonumber(ARGV[4])
        local quota = tonumber(ARGV[5])
        local quotaBack = tonumber(ARGV[6])
        local debt = tonumber(ARGV[8])
        local quotaDebt = tonumber(ARGV[9])
        if (debt > 0 or quotaDebt > 0) and not redis.call('SET', KEYS[3], 1, 'NX', 'EX', 86400) then
          -- Charged by an earlier call whose answer the replica never got: a batch is charged once.
          debt = 0
          quotaDebt = 0
        end
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
        local tokens = tonumber(state[1])
        local ts = tonumber(state[2])
        if tokens == nil or ts == nil then
          tokens = burst
          ts = now
        elseif now > ts then
          tokens = tokens + (now - ts) * rate / 1000
          ts = now
        end
        -- The debt goes below zero if it must: the partner then waits until the refill has paid it off.
        tokens = math.min(burst, tokens + back) - debt
        local granted = math.max(0, math.min(want, math.floor(tokens)))
        local limited = 0
        local used = 0
        if quota > 0 then
          used = math.max(0, tonumber(redis.call('GET', KEYS[2]) or '0') - quotaBack) + quotaDebt
          local left = quota - used
          if left <= 0 then
            granted = 0
            limited = 2
          elseif left < granted then
            granted = left
          end
          used = used + granted
          redis.call('SET', KEYS[2], used, 'EX', tonumber(ARGV[7]))
        end
        if granted == 0 and limited == 0 then
          limited = 1
        end
        tokens = tokens - granted
        redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', ts)
        redis.call('PEXPIRE', KEYS[1], math.ceil((burst - math.min(tokens, 0)) * 1000 / rate) + 1000)
        local wait = 0
        if tokens < 1 then
          wait = math.ceil((1 - tokens) * 1000 / rate)
        end
        return {granted, math.floor(tokens), wait, limited, used}
        """;

    /// <summary>Keys share a hash tag, so the script also runs on a Redis cluster.</summary>
    public static RedisKey[] Keys(string partnerId, string day, string? debtId) =>
        [$"gateway:{{{partnerId}}}:bucket", $"gateway:{{{partnerId}}}:quota:{day}", $"gateway:{{{partnerId}}}:debt:{debtId ?? "none"}"];

    public readonly record struct Lease(int Granted, int TokensLeft, int WaitMilliseconds, RateVerdict LimitedBy, long QuotaUsed);

    public static async Task<Lease> TakeAsync(
        IDatabase database, string partnerId, string day, RatePolicyArgs args, TimeSpan timeout)
    {
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(
            Source,
            Keys(partnerId, day, args.DebtId),
            [args.PerSecond, args.Burst, args.Want, args.GiveBack, args.DailyQuota, args.QuotaGiveBack, 2 * 86_400, args.DebtTokens, args.DebtRequests])
            .WaitAsync(timeout))!;
        return new Lease(
            (int)result[0],
            (int)result[1],
            (int)result[2],
            (int)result[3] switch { 1 => RateVerdict.RateExceeded, 2 => RateVerdict.QuotaExceeded, _ => RateVerdict.Allowed },
            (long)result[4]);
    }

    /// <summary>
    /// <paramref name="DebtId"/> names the debt batch (<paramref name="DebtTokens"/>, <paramref name="DebtRequests"/>):
    /// a replica resends a batch under the same id until it has an answer, and the script charges an id once.
    /// </summary>
    public readonly record struct RatePolicyArgs(
        int PerSecond, int Burst, int Want, int GiveBack, int DailyQuota, int QuotaGiveBack, double DebtTokens = 0, long DebtRequests = 0, string? DebtId = null);
}
