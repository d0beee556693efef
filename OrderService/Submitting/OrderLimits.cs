namespace Distribution.Aspire.OrderService.Submitting;

/// <summary>Documented limits of one order (docs/orders.md). Beyond them a request is refused, not truncated.</summary>
public static class OrderLimits
{
    public const int MaxLines = 500;
    public const int MaxQuantityPerLine = 1_000_000;
    public const int MaxPriority = 100;
    public const int MaxIdLength = 64;
    public const int MaxReferenceLength = 128;
    public const int MaxNameLength = 200;
    public const int MaxCityLength = 100;
    public const int MaxPostalCodeLength = 20;
    public const int MaxReasonLength = 500;

    /// <summary>The partner JSON body; 500 long lines fit well within it.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Fits numeric(19,4) with room for sums.</summary>
    public const decimal MaxAmount = 99_999_999_999_999m;
}
