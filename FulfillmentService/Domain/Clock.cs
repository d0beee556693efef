namespace Distribution.Aspire.FulfillmentService.Domain;

public static class Clock
{
    /// <summary>Now, at PostgreSQL's precision (microseconds), so what is stored reads back equal.</summary>
    public static DateTimeOffset UtcNowMicroseconds(this TimeProvider time) => time.GetUtcNow().ToMicroseconds();

    public static DateTimeOffset ToMicroseconds(this DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % 10, TimeSpan.Zero);
}
