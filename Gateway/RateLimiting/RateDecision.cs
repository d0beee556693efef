namespace Distribution.Aspire.Gateway.RateLimiting;

public enum RateVerdict
{
    Allowed,
    RateExceeded,
    QuotaExceeded,
}

/// <summary>What the limiter decided, with the values for the <c>RateLimit-*</c> and <c>Retry-After</c> headers.</summary>
public readonly record struct RateDecision(RateVerdict Verdict, int Limit, int Remaining, int ResetSeconds)
{
    public bool Allowed => Verdict == RateVerdict.Allowed;
}
