namespace Distribution.Aspire.FulfillmentService.Exceptions;

/// <summary>
/// The business priority of an exception, higher first: the order's priority dominates, then its value,
/// then its age when the exception was raised. Each part is banded so the three never overlap:
/// rank = priority (0–100) × 10,000 + value band (0–99) × 100 + age band (0–99).
/// </summary>
public static class ExceptionRanking
{
    /// <summary>Ten bands per power of ten of the order total: 10 → 10, 100 → 20, 1,000 → 30 (any currency).</summary>
    public static int ValueBand(decimal orderTotal) =>
        orderTotal <= 0 ? 0 : Math.Min(99, (int)Math.Floor(10 * Math.Log10((double)orderTotal + 1)));

    /// <summary>Whole hours since the order was created, capped at 99.</summary>
    public static int AgeBand(DateTimeOffset orderCreatedAt, DateTimeOffset raisedAt) =>
        Math.Clamp((int)Math.Floor((raisedAt - orderCreatedAt).TotalHours), 0, 99);

    public static int Rank(int priority, decimal orderTotal, DateTimeOffset orderCreatedAt, DateTimeOffset raisedAt) =>
        Math.Clamp(priority, 0, 100) * 10_000 + ValueBand(orderTotal) * 100 + AgeBand(orderCreatedAt, raisedAt);
}
