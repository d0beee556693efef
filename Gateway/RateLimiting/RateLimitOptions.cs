namespace Distribution.Aspire.Gateway.RateLimiting;

/// <summary>The <c>Gateway:RateLimit</c> section.</summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// How much of a partner's rate one replica leases from the shared Redis bucket at most, in seconds of
    /// that rate (default 50 ms). Bigger leases mean fewer Redis calls and a looser bound (see docs/gateway.md).
    /// </summary>
    public double LeaseSeconds { get; set; } = 0.05;

    /// <summary>Leased tokens not used within this time go back to the shared bucket on the next lease.</summary>
    public double LeaseLifetimeSeconds { get; set; } = 0.5;

    /// <summary>How long a Redis call may take before the replica falls back to its local limiter.</summary>
    public double RedisTimeoutMilliseconds { get; set; } = 250;

    /// <summary>After a Redis failure, how long the replica uses its local limiter before trying Redis again.</summary>
    public double FallbackSeconds { get; set; } = 2;

    /// <summary>
    /// How many gateway replicas share a partner's budget. While Redis is down each replica allows its share
    /// (rate, burst and quota divided by this), so the partner's total stays near its limit, never unlimited.
    /// </summary>
    public int Replicas { get; set; } = 1;
}
