namespace Distribution.Aspire.OrderService.Domain;

public static class Clock
{
    /// <summary>Now, at PostgreSQL's precision (microseconds), so what is stored reads back equal.</summary>
    public static DateTimeOffset UtcNowMicroseconds(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
    }
}
