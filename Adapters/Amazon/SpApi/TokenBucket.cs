namespace Distribution.Aspire.Adapters.Amazon.SpApi;

/// <summary>
/// SP-API's own throttling model: a bucket of <c>burst</c> tokens refilled at <c>rate</c> per second, one
/// token per request. Waiting here instead of being refused keeps us under Amazon's limit.
/// </summary>
public sealed class TokenBucket(double rate, int burst, TimeProvider time)
{
    private readonly Lock _gate = new();
    private double _rate = rate;
    private double _tokens = burst;
    private long _stamp = time.GetTimestamp();

    public double Rate
    {
        get
        {
            lock (_gate)
            {
                return _rate;
            }
        }
    }

    public int Burst { get; } = burst;

    /// <summary>Takes a token if there is one; otherwise says how long until there will be.</summary>
    public TimeSpan TryTake()
    {
        lock (_gate)
        {
            Refill();
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds((1 - _tokens) / _rate);
        }
    }

    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        for (var wait = TryTake(); wait > TimeSpan.Zero; wait = TryTake())
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>Amazon told us the rate that applies (<c>x-amzn-RateLimit-Limit</c>); it may differ from the default.</summary>
    public void SetRate(double rate)
    {
        if (rate <= 0 || double.IsNaN(rate) || double.IsInfinity(rate))
        {
            return;
        }

        lock (_gate)
        {
            Refill();
            _rate = rate;
        }
    }

    /// <summary>A 429 means Amazon's bucket is empty whatever ours says: start refilling from zero.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            Refill();
            _tokens = Math.Min(_tokens, 0);
        }
    }

    private void Refill()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(Burst, _tokens + (time.GetElapsedTime(_stamp, now).TotalSeconds * _rate));
        _stamp = now;
    }
}
